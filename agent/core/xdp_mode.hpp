// SPDX-License-Identifier: BSD-2-Clause
// How an XDP program is attached: the driver's hook (native), the kernel's
// generic one, or native falling back to generic (auto). One enum for the
// configuration, the loader and the tools.
#pragma once

namespace xmip::core {

enum class XdpMode { Auto, Native, Generic };

// "auto", "native", "generic": the configuration's and xmip-dp's words.
constexpr const char* to_string(XdpMode m) {
    switch (m) {
        case XdpMode::Native: return "native";
        case XdpMode::Generic: return "generic";
        case XdpMode::Auto: break;
    }
    return "auto";
}

}  // namespace xmip::core
