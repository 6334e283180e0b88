// SPDX-License-Identifier: BSD-2-Clause
// The home agent's side of RFC 4285 for Binding Updates, in the order it
// must run, before the binding cache sees anything:
//
//   1. policy: a home address with a security association always
//      authenticates; one without may register unauthenticated only on a
//      home prefix whose authentication is "optional";
//   2. the MN-HA authenticator (status 146 MIPV6-AUTH-FAIL: no option, no
//      association, wrong SPI, bad authenticator);
//   3. the Replay Protection option (145 MIPV6-MESG-ID-REQD when missing;
//      144 MIPV6-ID-MISMATCH when the timestamp is outside the window of the
//      home agent's clock or not newer than the last one accepted for that
//      home address, answered with the home agent's time so the mobile node
//      can resynchronise, RFC 4285 6).
//
// Replay answers (144/145) go only to authenticated messages: a forger
// learns nothing, not even the home agent's clock. check() changes nothing;
// accepted() records the timestamp once the registration went through.
#pragma once

#include <netinet/in.h>

#include <optional>
#include <unordered_map>
#include <vector>

#include "auth/algorithm.hpp"
#include "core/in6.hpp"
#include "mh/bytes.hpp"
#include "mh/messages.hpp"

namespace xmip::auth {

inline constexpr uint32_t kDefaultReplayWindowSeconds = 7;  // RFC 4285 6's example

struct GuardPolicy {
    std::unordered_map<in6_addr, SecurityAssociation, core::In6Hash, core::In6Equal> associations;
    std::vector<core::Prefix> optional_prefixes;  // authentication optional there
    uint32_t replay_window_s = kDefaultReplayWindowSeconds;
};

struct GuardDecision {
    bool accept = false;
    uint8_t status = 0;                         // the BA status when !accept
    const char* reason = "";                    // for the log
    const SecurityAssociation* sa = nullptr;    // authenticate the BA with it (when set)
    std::optional<uint64_t> reply_timestamp;    // the BA's Replay Protection value
    std::optional<uint64_t> bu_timestamp;       // for accepted()
    bool authenticated = false;                 // the BU carried a valid authenticator
};

class BindingUpdateGuard {
public:
    explicit BindingUpdateGuard(GuardPolicy policy = {}) : policy_(std::move(policy)) {}
    void set_policy(GuardPolicy policy);

    // mh: the received Mobility Header; care_of_address: the IPv6 source;
    // home_address: the Home Address option's (or the source); now: the
    // home agent's clock in NTP format.
    GuardDecision check(mh::ByteView mh, const mh::BindingUpdate& bu, const in6_addr& care_of_address,
                        const in6_addr& home_address, uint64_t now) const;
    // The binding cache took the update: later ones must be newer.
    void accepted(const in6_addr& home_address, uint64_t timestamp);

    const SecurityAssociation* association(const in6_addr& home_address) const;
    std::optional<uint64_t> last_timestamp(const in6_addr& home_address) const;

private:
    GuardPolicy policy_;
    // At most one entry per association: only authenticated updates add one.
    std::unordered_map<in6_addr, uint64_t, core::In6Hash, core::In6Equal> last_;
};

}  // namespace xmip::auth
