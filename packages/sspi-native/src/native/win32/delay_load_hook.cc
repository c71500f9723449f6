// The addon imports Node-API from "node.exe" through a delay-load table. When the host has another
// name (Electron, a renamed or embedded node.exe) this hook points those imports at the running
// executable instead, which is the module exporting Node-API.
#include "win_headers.h"

#include <delayimp.h>

namespace {

FARPROC WINAPI ResolveHost(unsigned event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary || info == nullptr || info->szDll == nullptr) return nullptr;
  if (_stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

}  // namespace

extern "C" {
PfnDliHook __pfnDliNotifyHook2 = ResolveHost;
}
