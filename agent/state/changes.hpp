// SPDX-License-Identifier: BSD-2-Clause
// What a binding store holds and what one transaction changes in it
// (docs/restart.md): the home agent's bindings by home address, the mobile
// node's binding update list entries by home address. A store writes what
// changed, not everything: a batch of k changes costs O(k), whatever the
// number of bindings kept.
#pragma once

#include <netinet/in.h>

#include <vector>

#include "state/codec.hpp"

namespace xmip::state {

// Everything a store holds, read once at start.
struct Snapshot {
    std::vector<HaBinding> bindings;  // home agent
    std::vector<MnState> mn;          // mobile node: its binding update list entries
    // The store did not exist before this start: there is no record of
    // what was accepted (a first start, or a damaged store moved aside), so
    // a home agent adopts what the datapath forwards (docs/restart.md).
    bool created = false;
};

// One transaction: all of it is kept, or none.
struct Changes {
    std::vector<HaBinding> put;   // inserted or replaced, by home address
    std::vector<in6_addr> erase;  // removed, by home address (absent: no error)
    std::vector<MnState> mn_put;  // inserted or replaced, by home address
    bool empty() const { return put.empty() && erase.empty() && mn_put.empty(); }
    size_t size() const { return put.size() + erase.size() + mn_put.size(); }  // changes, each one key
};

}  // namespace xmip::state
