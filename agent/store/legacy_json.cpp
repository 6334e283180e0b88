// SPDX-License-Identifier: BSD-2-Clause
#include "store/legacy_json.hpp"

#include "state/file.hpp"

namespace xmip::store {

core::Result<std::optional<state::Snapshot>, std::string> read_legacy(const std::string& path,
                                                                      const std::string& role) {
    auto r = state::read_file(path);
    if (r.status == state::ReadResult::Status::missing) return std::optional<state::Snapshot>{};
    const std::string todo = "; move it aside (mv " + path + " " + path +
                             ".bad) to start without the bindings it holds, or restore it from a backup";
    if (r.status == state::ReadResult::Status::error) return r.error + todo;
    state::Snapshot s;
    if (role == "ha") {
        auto d = state::decode_ha(r.data);
        if (!d.value) return "state file " + path + ": " + d.error + todo;
        s.bindings = std::move(d.value->bindings);
    } else {
        auto d = state::decode_mn(r.data);
        if (!d.value) return "state file " + path + ": " + d.error + todo;
        s.mn.push_back(std::move(*d.value));
    }
    return std::optional<state::Snapshot>{std::move(s)};
}

}  // namespace xmip::store
