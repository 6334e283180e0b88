// SPDX-License-Identifier: BSD-2-Clause
// One correspondent's entry of the mobile node's binding update list (RFC
// 6275 11.6, 11.7.2, 11.7.3): return routability (HoTI through the home
// agent, CoTI directly), then a Binding Update signed with Kbm, its Binding
// Acknowledgement, the refresh, the new care-of test on every move and the
// deregistration at home. No I/O and no cryptography: the entry says what to
// send (the service builds and signs it: xmipd/mn_route_optimisation.cpp)
// and what the datapath must do (install the binding, or fall back to the
// tunnel). Time comes in as arguments; on_timer() at next_timer().
//
// Never a black hole: whenever the entry is not Bound, the peer's packets
// take the tunnel (the service removes the datapath entry on every action
// that leaves Bound).
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "core/mip6_constants.hpp"

namespace xmip::mn {

using KeygenToken = std::array<uint8_t, 8>;
using Cookie = std::array<uint8_t, 8>;

struct RoTiming {
    core::Duration initial = std::chrono::seconds(1);           // INITIAL_BINDACK_TIMEOUT (HoTI/CoTI too)
    core::Duration max = std::chrono::seconds(32);              // MAX_BINDACK_TIMEOUT
    unsigned attempts = 4;                                      // messages unanswered before the peer is given up
    core::Duration token_lifetime = std::chrono::seconds(210);  // MAX_TOKEN_LIFETIME
    uint32_t lifetime_s = core::kMaxRrBindingLifetime;          // asked for, at most that
    double refresh_at_remaining = 0.2;
    // After a give-up or a refusal, traffic through the tunnel starts the
    // return routability again at the earliest this much later.
    core::Duration hold_down = std::chrono::seconds(60);
};

enum class RoState {
    Tunnel,         // no route optimisation (yet): the peer's packets go through the home agent
    Testing,        // HoTI and/or CoTI out, waiting for HoT / CoT
    Registering,    // BU sent, waiting for the BA
    Bound,          // accepted: direct path (Home Address option out, RH2 in)
    Deregistering,  // at home: lifetime-0 BU signed with the home keygen token alone
    Failed,         // unreachable or refused: the tunnel, until hold-down passes
    Stopped,        // Binding Error status 1, or no Mobility Header there: no route optimisation with this peer
};
std::string_view to_string(RoState s);

// What the service must do after an input, in this order.
struct RoActions {
    std::optional<Cookie> send_hoti;  // from the home address through the reverse tunnel
    std::optional<Cookie> send_coti;  // from the care-of address, directly
    struct Bu {
        uint16_t seq = 0;
        uint32_t lifetime_s = 0;  // 0: deregistration
        in6_addr care_of{};       // = home address when deregistering from home
        uint16_t home_nonce_index = 0, care_of_nonce_index = 0;
        KeygenToken home_token{};
        std::optional<KeygenToken> care_of_token;  // none: Kbm = SHA1(home token)
    };
    std::optional<Bu> send_bu;
    bool install = false;   // datapath: (home, peer) → care_of()
    bool fallback = false;  // datapath: remove the peer's entry, the tunnel takes its packets
};

class CorrespondentEntry {
public:
    CorrespondentEntry(in6_addr hoa, in6_addr peer, uint16_t first_seq, RoTiming t = {});

    // Traffic with the peer flows through the tunnel (the datapath said so),
    // from `coa`: start return routability unless it runs, is bound, or
    // the peer is held down / stopped.
    RoActions traffic(const in6_addr& coa, core::TimePoint now);
    // A new care-of address: the care-of test again, the home token reused
    // while valid, and a new BU before the old binding lapses.
    RoActions moved_to(const in6_addr& coa, core::TimePoint now);
    // On the home link: deregister (home test only) if the peer has a
    // binding for us; otherwise forget the tests.
    RoActions returned_home(core::TimePoint now);

    RoActions on_home_test(const Cookie& cookie, uint16_t nonce_index, const KeygenToken& token, core::TimePoint now);
    RoActions on_care_of_test(const Cookie& cookie, uint16_t nonce_index, const KeygenToken& token,
                              core::TimePoint now);
    // A BA whose authenticator the service verified with the Kbm of
    // last_bu() (or an unauthenticated 136/137/138: no Kbm there).
    RoActions on_binding_ack(uint8_t status, uint16_t seq, uint32_t lifetime_s, core::TimePoint now);
    RoActions on_binding_error(core::TimePoint now);  // status 1 for our home address
    // ICMPv6 Parameter Problem code 1 at our Mobility Header (RFC 6275
    // 11.3.5): the peer does not speak Mobile IPv6; stopped for good.
    RoActions on_mobility_header_unknown(core::TimePoint now);
    RoActions on_timer(core::TimePoint now);
    std::optional<core::TimePoint> next_timer() const;

    // What mipctl bul shows (mipdiag -l's Recipient CN rows).
    RoState state() const { return state_; }
    const in6_addr& peer() const { return peer_; }
    const in6_addr& home_address() const { return hoa_; }
    const in6_addr& care_of() const { return coa_; }
    uint16_t last_seq() const { return seq_; }
    uint32_t granted_lifetime() const { return granted_s_; }
    std::optional<core::TimePoint> expires() const { return expires_; }
    std::optional<core::TimePoint> home_token_received() const { return home_.received; }
    std::optional<core::TimePoint> care_of_token_received() const { return care_of_.received; }
    core::Duration retransmit_delay() const { return delay_; }
    unsigned transmissions() const { return transmissions_; }
    const std::optional<RoActions::Bu>& last_bu() const { return last_bu_; }
    uint8_t last_status() const { return last_status_; }
    bool installed() const { return installed_; }
    // Matching a HoT / CoT to the init this entry sent (the cookie echoes).
    const std::optional<Cookie>& home_cookie() const { return home_cookie_; }
    const std::optional<Cookie>& care_of_cookie() const { return care_of_cookie_; }

private:
    struct TokenState {
        std::optional<core::TimePoint> received;
        uint16_t nonce_index = 0;
        KeygenToken token{};
        in6_addr for_address{};  // the care-of token's address
    };
    bool valid(const TokenState& t, core::TimePoint now) const;
    // Sends what is missing: the tests, or the BU once both tokens are here.
    RoActions advance(core::TimePoint now, bool restart_backoff);
    RoActions send_bu(core::TimePoint now, bool restart_backoff);
    void backoff(core::TimePoint now, bool restart);
    RoActions give_up(core::TimePoint now, RoState to);
    Cookie new_cookie();

    in6_addr hoa_, peer_, coa_{};
    RoTiming t_;
    RoState state_ = RoState::Tunnel;
    bool at_home_ = false;
    bool peer_has_binding_ = false;  // a BU of ours to a care-of address was accepted and has not lapsed
    bool installed_ = false;         // the datapath sends directly (told by RoActions::install)
    uint16_t seq_;
    uint32_t granted_s_ = 0;
    uint8_t last_status_ = 0;
    TokenState home_, care_of_;
    std::optional<Cookie> home_cookie_, care_of_cookie_;
    std::optional<RoActions::Bu> last_bu_;
    core::Duration delay_{};
    unsigned transmissions_ = 0;
    std::optional<core::TimePoint> due_, expires_, last_sent_;  // due_: retransmit, refresh or hold-down end
};

}  // namespace xmip::mn
