// SPDX-License-Identifier: BSD-2-Clause
// What an etcd call returns when it fails: a value (core/result.hpp), with a
// message that names the endpoint, and a kind that tells the caller what to
// do about it (docs/scale-out.md).
#pragma once

#include <string>

#include "core/result.hpp"

namespace xmip::etcd {

struct Error {
    enum class Kind {
        // No member answered in time (down, partitioned, no quorum): the
        // request may or may not have been applied; try again later.
        unavailable,
        // etcd answered and refused (lease not found, bad request, ...).
        rejected,
        // etcd answered something that is not etcd's v3 JSON.
        protocol,
    };
    Kind kind = Kind::unavailable;
    std::string message;
    int code = 0;  // the gRPC status code etcd gave (rejected), else 0
};

template <class T>
using Result = core::Result<T, Error>;
using Status = core::Result<void, Error>;

}  // namespace xmip::etcd
