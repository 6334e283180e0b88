// SPDX-License-Identifier: BSD-2-Clause
// mipctl: query and drive a running xmipd through its control socket.
#include <iostream>
#include <string>
#include <vector>

#include "cli/mipctl.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return xmip::cli::run(args, std::cout, std::cerr);
}
