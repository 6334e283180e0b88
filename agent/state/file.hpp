// SPDX-License-Identifier: BSD-2-Clause
// The agent's state file on disk: written so that a crash at any instant
// leaves either the previous file or the new one, never a mix or a stub.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xmip::state {

// Writes data to path atomically: a temporary file in the same directory,
// fsync, rename over path, fsync of the directory (so the rename itself is
// on disk). The file is mode 0600: it names the home addresses served.
// Returns the error (with the path) or nullopt on success.
std::optional<std::string> write_atomically(const std::string& path, std::string_view data);

struct ReadResult {
    enum class Status { ok, missing, error } status = Status::missing;
    std::string data;   // status ok
    std::string error;  // status error: what went wrong, with the path
};
// Reads a whole file of at most max_bytes (a larger one is an error: the
// state of a 16M-binding cache fits well within the default).
ReadResult read_file(const std::string& path, size_t max_bytes = size_t{4} << 30);

// mkdir -p with mode 0700 for the directories it creates.
std::optional<std::string> ensure_directory(const std::string& dir);

}  // namespace xmip::state
