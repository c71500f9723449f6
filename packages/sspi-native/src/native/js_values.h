// Conversions between backend structs and JS values. Errors carry the native numbers as fields;
// the TS layer (native-errors.ts) turns them into typed error classes.
#pragma once

#include <napi.h>

#include <optional>

#include "backend.h"

namespace sspi_native {

Napi::Error ToJsError(Napi::Env env, const backend::Status& status);

// { token?: Buffer, done: boolean }
Napi::Object ToJsStepResult(Napi::Env env, const backend::StepResult& result);

Napi::Object ToJsAccessToken(Napi::Env env, const backend::AccessToken& token);
Napi::Object ToJsIdentity(Napi::Env env, const backend::Identity& identity);

// Copies a Buffer argument (the caller may reuse its memory while the step runs off-thread).
// undefined/null give nullopt; anything else that is not a Buffer throws TypeError.
std::optional<backend::Bytes> ToBytes(const Napi::Value& value, const char* what);

const char* PackageName(backend::Package package);

}  // namespace sspi_native
