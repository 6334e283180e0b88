// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's binding update list entry for its home registration
// (RFC 6275 11.7, 11.8): what to send when, and what a Binding
// Acknowledgement means. No I/O: the service sends the BUs this asks for,
// installs the binding in the datapath when it says Bound, and calls
// on_timer() at next_timer().
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "core/mip6_constants.hpp"

namespace xmip::mn {

struct Timing {
    core::Duration first_registration = std::chrono::milliseconds(1500);  // InitialBindackTimeoutFirstReg
    core::Duration initial = std::chrono::seconds(1);                     // INITIAL_BINDACK_TIMEOUT
    core::Duration max = core::kMaxBindackTimeout;
    // Refresh when this fraction of the granted lifetime is left, or at the
    // home agent's Binding Refresh Advice, whichever comes first.
    double refresh_at_remaining = 0.2;
};

enum class State {
    AtHome,          // nothing registered, nothing to do
    Registering,     // BU sent, waiting for the BA (retransmitting)
    Bound,           // accepted; refresh before expiry
    Deregistering,   // returning home: lifetime-0 BU sent, waiting for the BA
    Failed,          // the HA refused; retried at the slow rate
};
std::string_view to_string(State s);

struct BuToSend {
    in6_addr coa{};        // source of the BU (the HoA when deregistering at home)
    uint16_t seq = 0;
    uint32_t lifetime_s = 0;
    bool at_home = false;  // deregistration from the home link: no HAO
};

struct BaResult {
    enum class Kind {
        Ignored,       // not for our latest BU
        Bound,         // install the binding (coa, granted lifetime)
        Deregistered,  // remove the binding: home again
        Resend,        // status 135: resend with a sequence after the HA's
        Refused,       // rejected: keep trying slowly, report status
    } kind = Kind::Ignored;
    std::optional<BuToSend> send;
    uint8_t status = 0;
};

class BindingUpdateList {
public:
    BindingUpdateList(in6_addr hoa, in6_addr ha, uint32_t lifetime_s, Timing timing = {});

    // Movement detection found a new care-of address: register it.
    BuToSend moved_to(const in6_addr& coa, core::TimePoint now);
    // An RA from the home agent on the home link: deregister (11.5.5).
    // Nothing to send when nothing is registered.
    std::optional<BuToSend> returned_home(core::TimePoint now);
    BaResult on_binding_ack(uint8_t status, uint16_t seq, uint32_t lifetime_s,
                            std::optional<uint32_t> refresh_advice_s, core::TimePoint now);
    // A BA with status 144 (RFC 4285 MIPV6-ID-MISMATCH) for our latest BU:
    // the caller took the home agent's time; the BU goes again now, with a
    // new sequence number. Nothing to send when it answers no pending BU.
    std::optional<BuToSend> on_id_mismatch(uint16_t seq, core::TimePoint now);
    // Binding Refresh Request from the HA: refresh now (11.7.4).
    std::optional<BuToSend> on_refresh_request(core::TimePoint now);
    // Retransmission or refresh due.
    std::optional<BuToSend> on_timer(core::TimePoint now);
    std::optional<core::TimePoint> next_timer() const { return next_; }

    // A restart (the state file, docs/restart.md). The sequence number
    // always continues after `seq`: a number the home agent may have seen is
    // never sent again. A registration still bound at `now` is bound again,
    // its refresh due when it would have been; anything else starts over
    // (movement detection registers again). True when bound.
    struct Restored {
        uint16_t seq = 0;
        bool ever_registered = false;
        bool bound = false;
        in6_addr coa{};
        uint32_t granted_s = 0;
        core::TimePoint expires{};
    };
    bool restore(const Restored& r, core::TimePoint now);
    bool ever_registered() const { return ever_registered_; }

    // What mipctl bul shows (the guide's mipdiag -l fields).
    State state() const { return state_; }
    const in6_addr& home_address() const { return hoa_; }
    const in6_addr& home_agent() const { return ha_; }
    // Dynamic Home Agent Address Discovery chose (another) home agent: the
    // next BU goes there, its sequence number continuing.
    void set_home_agent(const in6_addr& ha) { ha_ = ha; }
    const in6_addr& care_of() const { return coa_; }
    uint16_t last_seq() const { return seq_; }
    uint32_t granted_lifetime() const { return granted_s_; }
    std::optional<core::TimePoint> expires() const { return expires_; }
    core::Duration retransmit_delay() const { return delay_; }
    core::Duration max_delay() const { return timing_.max; }
    unsigned transmissions() const { return transmissions_; }
    std::optional<core::TimePoint> last_sent() const { return last_sent_; }

private:
    BuToSend send(core::TimePoint now, bool restart_backoff);
    BuToSend build() const;

    in6_addr hoa_, ha_, coa_{};
    uint32_t lifetime_s_;
    Timing timing_;
    State state_ = State::AtHome;
    uint16_t seq_;
    bool ever_registered_ = false;
    bool failed_deregistration_ = false;
    uint32_t granted_s_ = 0;
    core::Duration delay_{};
    unsigned transmissions_ = 0;
    std::optional<core::TimePoint> next_, expires_, last_sent_;
};

}  // namespace xmip::mn
