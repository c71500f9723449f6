// The Windows headers in the order SSPI needs them, with the defines every file must agree on.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef SECURITY_WIN32
#define SECURITY_WIN32
#endif
#ifndef UNICODE
#define UNICODE
#endif

#include <windows.h>
// windows.h first: these rely on its types.
#include <security.h>
#include <sspi.h>
