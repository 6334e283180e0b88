// SPDX-License-Identifier: BSD-2-Clause
// The host a configuration is about to run on, checked before anything is
// attached: what the daemon would otherwise find only at run time (an
// interface that does not exist, a key file it cannot use) is reported by
// `xmipd --check` and at start, with the file, line and key that named it.
#pragma once

#include <vector>

#include "config/config.hpp"

namespace xmip::agent {

struct Preflight {
    std::vector<config::Diagnostic> errors;
    std::vector<config::Diagnostic> warnings;
};

// Reads the key files into cfg (config::read_keys) and looks up every
// interface it names. `loaded` gives the places settings came from.
Preflight preflight(config::Config& cfg, const config::LoadResult& loaded);

}  // namespace xmip::agent
