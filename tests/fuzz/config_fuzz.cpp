// SPDX-License-Identifier: BSD-2-Clause
// Fuzz target: xmipd's configuration parser, built twice from this file:
// config_toml_fuzz reads the input as the TOML form, config_legacy_fuzz as
// MIPL's network-mip6.conf (XMIP_FUZZ_CONFIG_FORMAT picks the Format).
//
// Invariants:
// - a load either gives a Config or at least one error, never both;
// - every diagnostic names the file it came from;
// - an accepted configuration written back as TOML (to_toml, how a legacy
//   file migrates) loads again to the same Config.
#include <string_view>

#include "config/config.hpp"
#include "fuzz_check.hpp"

using namespace xmip::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    LoadResult r = load_string(text, "fuzz", {}, Format::XMIP_FUZZ_CONFIG_FORMAT);
    FUZZ_CHECK(r.ok() == r.errors.empty());
    for (const auto& d : r.errors) FUZZ_CHECK(d.file == "fuzz");
    if (!r.ok()) return 0;

    std::string toml = to_toml(*r.config);
    LoadResult back = load_string(toml, "fuzz-migrated.toml", {}, Format::Toml);
    if (!back.ok()) {
        for (const auto& e : back.error_strings()) std::fprintf(stderr, "%s\n", e.c_str());
        std::fprintf(stderr, "---\n%s---\n", toml.c_str());
    }
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(*back.config == *r.config);
    return 0;
}
