// SPDX-License-Identifier: BSD-2-Clause
// xmip-config-keys: every key of the configuration schema
// (agent/config/schema.cpp), one "path kind reload" a line (reload: "live" or
// "restart"). scripts/gen_man.py makes xmip.toml(5) from it, so the manual
// lists exactly the keys xmipd knows; scripts/config_doc_reload.py writes the
// reload column of docs/configuration.md from it.
#include <cstdio>

#include "config/config.hpp"

int main() {
    using xmip::config::KeyKind;
    for (const auto& k : xmip::config::schema()) {
        const char* kind = k.kind == KeyKind::Table        ? "table"
                           : k.kind == KeyKind::String     ? "string"
                           : k.kind == KeyKind::Integer    ? "integer"
                           : k.kind == KeyKind::Boolean    ? "boolean"
                           : k.kind == KeyKind::StringList ? "string-list"
                                                           : "table-array";
        std::printf("%.*s %s %s\n", static_cast<int>(k.path.size()), k.path.data(), kind,
                    xmip::config::to_string(k.reload));
    }
    return 0;
}
