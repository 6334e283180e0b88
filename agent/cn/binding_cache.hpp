// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's binding cache (RFC 6275 9.5.1-9.5.4, 9.6): what a
// route-optimised Binding Update leads to, without any I/O. Checked in the
// RFC's order: a home registration is refused (131, or 139 when the home
// address has a correspondent binding); the nonce indices must still be
// accepted (136/137/138, a BA without authenticator: there is no Kbm);
// the Binding Authorization Data must verify with Kbm, otherwise the BU is
// silently discarded (9.5.1); the sequence number must be newer (135); a
// new binding needs room (130). Granted lifetimes are at most
// MAX_RR_BINDING_LIFETIME (420 s). Time comes in as arguments: tests drive
// it with a fake clock.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "cn/keys.hpp"
#include "core/clock.hpp"
#include "core/expiry_index.hpp"
#include "core/in6.hpp"
#include "core/mip6_constants.hpp"
#include "mh/bytes.hpp"
#include "mh/messages.hpp"

namespace xmip::cn {

using core::kMaxRrBindingLifetime;  // MAX_RR_BINDING_LIFETIME, s

struct Policy {
    uint32_t max_lifetime_s = kMaxRrBindingLifetime;  // clamped to 420
    size_t max_entries = 1024;
};

// A received BU to this correspondent, as the decision needs it.
struct BindingUpdate {
    in6_addr hoa{};  // the Home Address option's (the source at home)
    in6_addr coa{};  // the IPv6 source
    in6_addr cn{};   // the IPv6 destination: this node
    uint16_t seq = 0;
    bool ack = false;   // A
    bool home = false;  // H
    uint32_t lifetime_s = 0;
    std::optional<mh::NonceIndices> nonces;  // required (9.5.1)
    bool has_authorization = false;          // Binding Authorization Data, last (required)
    mh::ByteView mh;                         // the received Mobility Header, for the authenticator
};

struct Binding {
    in6_addr hoa{}, coa{}, cn{};
    uint16_t seq = 0;
    uint32_t lifetime_s = 0;  // granted
    core::TimePoint registered{}, expires{};
};

struct Outcome {
    enum class Action {
        Discard,     // silently: no BA, nothing changes (why: `discard`)
        Reject,      // the BA with `status`, nothing changes
        Register,    // a new binding
        Update,      // an existing one refreshed or moved
        Deregister,  // removed (or there was none)
    } action = Action::Discard;
    enum class Discard {
        None,
        Incomplete,  // no Nonce Indices or no Binding Authorization Data
        Unverified,  // the authenticator does not verify
    } discard = Discard::None;
    uint8_t status = mh::ba_status::accepted;
    uint16_t seq = 0;         // for the BA
    uint32_t lifetime_s = 0;  // for the BA
    bool send_ba = false;
    std::optional<rr::Kbm> kbm;            // the BA is authenticated with it when set
    std::optional<in6_addr> previous_coa;  // on Update
};

class BindingCache {
public:
    BindingCache(Policy policy, Keys& keys) : policy_(policy), keys_(keys) {}

    Outcome process(const BindingUpdate& bu, core::TimePoint now);
    // Removes and returns the bindings whose lifetime has run out.
    std::vector<Binding> expire(core::TimePoint now);
    bool remove(const in6_addr& hoa);

    const Binding* find(const in6_addr& hoa) const;
    std::vector<Binding> bindings() const;  // sorted by home address
    size_t size() const { return cache_.size(); }
    std::optional<core::TimePoint> next_expiry() const;
    const Policy& policy() const { return policy_; }
    void set_policy(Policy p) { policy_ = p; }  // reload: existing bindings stay

private:
    using Map = std::unordered_map<in6_addr, Binding, core::In6Hash, core::In6Equal>;
    void put(const Binding& b);
    void erase(Map::iterator it);

    Policy policy_;
    Keys& keys_;
    Map cache_;
    core::ExpiryIndex by_expiry_;
};

}  // namespace xmip::cn
