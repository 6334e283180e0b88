// SPDX-License-Identifier: BSD-2-Clause
#include "auth/ba_check.hpp"

#include "auth/ntp_time.hpp"

namespace xmip::auth {

const char* to_string(BaCheck::Kind k) {
    switch (k) {
        case BaCheck::Kind::ok: return "ok";
        case BaCheck::Kind::home_agent_time: return "home agent's time (144)";
        case BaCheck::Kind::bad_authentication: return "not authentic";
        case BaCheck::Kind::no_replay_protection: return "no Replay Protection option";
        case BaCheck::Kind::stale: return "answers none of our Binding Updates";
    }
    return "?";
}

BaCheck check_binding_ack(mh::ByteView mh, const mh::PacketInfo& info, const mh::BindingAck& ba,
                          const SecurityAssociation& sa, const SentTimestamps& sent) {
    BaCheck r;
    const in6_addr coa = info.dst;
    const in6_addr hoa = info.routing_header2 ? info.routing_header2->home_address : info.dst;
    r.auth = verify(mh, coa, hoa, sa);
    if (r.auth != Verdict::ok) {
        r.kind = BaCheck::Kind::bad_authentication;
        return r;
    }
    const auto* rp = mh::find_option<mh::ReplayProtection>(ba.options);
    if (!rp) {
        r.kind = BaCheck::Kind::no_replay_protection;
        return r;
    }
    if (ba.status == mh::ba_status::id_mismatch) {
        r.kind = BaCheck::Kind::home_agent_time;
        r.ha_time = rp->timestamp;
        return r;
    }
    // The sequence number is the binding update list's to match (a wrong
    // one is ignored there, counted apart).
    if (ntp_diff(rp->timestamp, sent.first) < 0 || ntp_diff(rp->timestamp, sent.last) > 0)
        r.kind = BaCheck::Kind::stale;
    return r;
}

}  // namespace xmip::auth
