#pragma once
namespace xmip::agent {
inline constexpr const char* kVersion = "0.1.0";
}
