// SPDX-License-Identifier: BSD-2-Clause
// Errors from the datapath library: what failed, on what, and the errno.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace xmip::dp {

class DatapathError : public std::runtime_error {
public:
    DatapathError(const std::string& what, int err)
        : std::runtime_error(what + ": " + std::strerror(err < 0 ? -err : err)),
          errno_(err < 0 ? -err : err) {}
    explicit DatapathError(const std::string& what) : std::runtime_error(what), errno_(0) {}
    int error_number() const noexcept { return errno_; }

private:
    int errno_;
};

}  // namespace xmip::dp
