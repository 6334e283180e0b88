// SPDX-License-Identifier: BSD-2-Clause
// The mobile node's side of RFC 4285: is a Binding Acknowledgement from its
// home agent authentic and an answer to one of its Binding Updates?
//
// The authenticator is computed with the BA's IPv6 destination as care-of
// address and the type 2 routing header's address as home address (the
// destination again at home). An accepted or refused BA echoes the
// timestamp of the BU it answers (any retransmission of the current
// sequence number); a 144 (MIPV6-ID-MISMATCH) carries the home agent's own
// time instead, which the mobile node may adopt and retry with (RFC 4285 6).
#pragma once

#include <cstdint>
#include <optional>

#include "auth/algorithm.hpp"
#include "auth/authenticator.hpp"
#include "mh/messages.hpp"
#include "mh/packet.hpp"

namespace xmip::auth {

// The timestamps sent with the current sequence number (its retransmissions
// share them; a BA echoing an earlier one answers an older update).
struct SentTimestamps {
    uint16_t seq = 0;
    uint64_t first = 0;
    uint64_t last = 0;
};

struct BaCheck {
    enum class Kind {
        ok,                    // authentic, answers one of our BUs
        home_agent_time,       // authentic 144: ha_time is the home agent's clock
        bad_authentication,    // auth says why
        no_replay_protection,  // authentic but without the option
        stale,                 // authentic but answers none of our BUs (a replay)
    } kind = Kind::ok;
    Verdict auth = Verdict::ok;
    std::optional<uint64_t> ha_time;
};
const char* to_string(BaCheck::Kind k);

// mh: the received Mobility Header; info: its envelope.
BaCheck check_binding_ack(mh::ByteView mh, const mh::PacketInfo& info, const mh::BindingAck& ba,
                          const SecurityAssociation& sa, const SentTimestamps& sent);

}  // namespace xmip::auth
