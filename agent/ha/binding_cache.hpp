// SPDX-License-Identifier: BSD-2-Clause
// The home agent's binding cache (RFC 6275 9.1, 9.5, 10.3): the decisions a
// Binding Update leads to, without any I/O. The service around it sends the
// Binding Acknowledgements, runs DAD, defends home addresses and writes the
// datapath maps according to what this returns; tests drive it with a fake
// clock.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/expiry_index.hpp"
#include "core/in6.hpp"
#include "mh/messages.hpp"

namespace xmip::ha {

struct HomePrefix {
    core::Prefix prefix;
    // The prefix's valid lifetime ends here (RFC 6275 10.3.1: a binding
    // must not outlive its home address); nullopt = infinite.
    std::optional<core::TimePoint> valid_until;
};

struct Policy {
    std::vector<in6_addr> ha_addresses;  // where this HA accepts registrations
    std::vector<HomePrefix> home_prefixes;
    uint32_t max_lifetime_s = 262140;
    size_t max_entries = 65536;
    // The access list (status 129 when false); the rules are the
    // configuration's (config::HomeAgentSettings::check_home_address). Unset: all.
    std::function<bool(const in6_addr& hoa)> allowed;
    bool dad = true;  // DAD for the home address before the first registration
    // Ask mobile nodes to refresh this often (Binding Refresh Advice) when
    // the granted lifetime is longer; nullopt: never advise.
    std::optional<uint32_t> refresh_advice_s;
};

struct BindingUpdate {
    in6_addr hoa{};      // from the Home Address option (or the source, at home)
    in6_addr coa{};      // the source, or the Alternate CoA option
    in6_addr ha_addr{};  // where it was sent
    uint16_t seq = 0;
    bool ack = true;     // A
    bool home = true;    // H
    bool link_local = false;  // L: defend the link-local address too (RFC 6275 10.3.1)
    // R (RFC 3963): a mobile router asks for its prefixes; NEMO is not
    // offered, so the answer is 140.
    bool mobile_router = false;
    uint32_t lifetime_s = 0;
};

struct Binding {
    in6_addr hoa{}, coa{}, ha_addr{};
    uint16_t seq = 0;
    uint32_t lifetime_s = 0;  // granted
    core::TimePoint registered{}, expires{};
    bool pending_dad = false;  // not active yet: no forwarding, no BA sent
    // False for a binding adopted from the datapath after a restart without a
    // usable state file: its sequence number is unknown, so the next BU sets
    // it whatever its number (docs/restart.md).
    bool seq_known = true;
    // L was set: the link-local address with the home address's interface
    // identifier is defended on the home link too (RFC 6275 10.4.1).
    bool link_local = false;
};

struct Outcome {
    enum class Action {
        Ignore,      // a retransmission while DAD runs: nothing to do
        Reject,      // send the BA with `status`, change nothing
        AwaitDad,    // run DAD for the HoA, then call dad_completed()
        Register,    // new binding active: datapath + proxy ND + BA
        Update,      // existing binding refreshed or moved to a new CoA
        Deregister,  // binding removed: datapath + proxy ND off, BA
    } action = Action::Ignore;
    uint8_t status = mh::ba_status::accepted;
    uint16_t seq = 0;          // for the BA
    uint32_t lifetime_s = 0;   // for the BA
    bool send_ba = false;
    std::optional<uint32_t> refresh_advice_s;
    std::optional<in6_addr> previous_coa;  // on Update when the CoA changed
    // Where the BU answered was sent (BindingUpdate::ha_addr): the BA's
    // source, so that a mobile node registered with an address another
    // home agent took over hears from that address (RFC 6275 6.1.8: the
    // BA's source is the BU's destination). Unspecified: not from a BU.
    in6_addr ha_addr{};
};

class BindingCache {
public:
    explicit BindingCache(Policy policy) : policy_(std::move(policy)) {}

    // skip_dad: the operator vouches for the address (mipctl binding add).
    Outcome process(const BindingUpdate& bu, core::TimePoint now, bool skip_dad = false);
    // The result of the DAD an AwaitDad outcome asked for.
    Outcome dad_completed(const in6_addr& hoa, bool unique, core::TimePoint now);
    // Removes and returns the bindings whose lifetime has run out.
    std::vector<Binding> expire(core::TimePoint now);
    // For administrative removal (mipctl binding del) and restarts.
    bool remove(const in6_addr& hoa);
    void restore(const Binding& b);  // a binding recovered from the datapath or state file

    const Binding* find(const in6_addr& hoa) const;
    std::vector<Binding> bindings() const;  // sorted by home address
    size_t size() const { return cache_.size(); }
    std::optional<core::TimePoint> next_expiry() const;
    const Policy& policy() const { return policy_; }
    void set_policy(Policy p) { policy_ = std::move(p); }  // reload: existing bindings stay

private:
    Outcome decide(const BindingUpdate& bu, core::TimePoint now, bool skip_dad);
    static Outcome reject(uint8_t status, uint16_t seq);
    Outcome install(const BindingUpdate& bu, core::TimePoint now);
    uint32_t grant_lifetime(const BindingUpdate& bu, core::TimePoint now) const;
    const HomePrefix* home_prefix_of(const in6_addr& hoa) const;
    // Every change of an active binding goes through these, so the expiry
    // index below never disagrees with the cache.
    void put(const Binding& b);
    void erase(std::unordered_map<in6_addr, Binding, core::In6Hash, core::In6Equal>::iterator it);

    Policy policy_;
    std::unordered_map<in6_addr, Binding, core::In6Hash, core::In6Equal> cache_;
    // Active bindings (not those waiting for DAD) by expiry.
    core::ExpiryIndex by_expiry_;
    // The BU each pending DAD will answer (its sequence number and lifetime).
    std::unordered_map<in6_addr, BindingUpdate, core::In6Hash, core::In6Equal> awaiting_dad_;
};

}  // namespace xmip::ha
