// SPDX-License-Identifier: BSD-2-Clause
// mipctl's command line: parse, pick the agent, call it, print. main() is
// only run(); tests call run() in-process against a fake agent.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace xmip::cli {

// The client's own version (the project's).
const char* version();

// args without the program name. Returns the exit code (format.hpp).
// The run directory (/run/xmip) can be moved with XMIP_RUN_DIR.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace xmip::cli
