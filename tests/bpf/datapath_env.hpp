// SPDX-License-Identifier: BSD-2-Clause
// The datapath loaded once per test binary inside the sandbox, with the
// fixture topology from fixtures.json built around it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "datapath/loader.hpp"
#include "sandbox.hpp"

namespace xmip::test {

const nlohmann::json& fixtures();

class DatapathEnv {
public:
    static DatapathEnv& get();  // builds the topology and loads on first use
    dp::Datapath& dp() { return *dp_; }
    // Forgets which peers were hinted (bpf/ro_hint.bpf.h): each case starts
    // as if none had been.
    void clear_ro_hints();
    // Empties the maps, installs the named state ("ha", "mn", "ha_nh", ...)
    // from fixtures.json, next-hop cache included, and zeroes the counters.
    void apply_state(const std::string& state);

private:
    DatapathEnv();
    void apply_nexthops(const nlohmann::json& state);
    std::unique_ptr<dp::Datapath> dp_;
};

}  // namespace xmip::test
