// SPDX-License-Identifier: BSD-2-Clause
// A route-optimised Binding Update (RFC 6275 9.5.1-9.5.4): admitted (policy,
// rate) before any cryptography, decided by cn::BindingCache (nonces, Kbm,
// authenticator, sequence, room), then the datapath and the BA. An
// unverifiable BU changes nothing and is not answered.
#include "core/log.hpp"
#include "rr/crypto.hpp"
#include "xmipd/cn_service.hpp"

namespace xmip::agent {

using core::to_string;
using Action = cn::Outcome::Action;

void CnService::handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu) {
    ctx_.stats.bu_received++;
    const in6_addr hoa = p.info.home_address.value_or(p.info.src);
    switch (admit(p.info.src, &hoa)) {
        case Admission::Policy: ctx_.stats.bu_drop_policy++; return;
        case Admission::Rate: ctx_.stats.bu_drop_ratelimit++; return;
        case Admission::Admitted: break;
    }
    cn::BindingUpdate req;
    req.hoa = hoa;
    req.coa = p.info.src;  // an Alternate Care-of Address option is not used: RR tested the source
    req.cn = p.info.dst;
    req.seq = bu.sequence;
    req.ack = bu.ack();
    req.home = bu.home_registration();
    req.lifetime_s = bu.lifetime_seconds();
    if (const auto* n = mh::find_option<mh::NonceIndices>(bu.options)) req.nonces = *n;
    req.has_authorization =
        !bu.options.empty() && std::holds_alternative<mh::BindingAuthorizationData>(bu.options.back());
    req.mh = mh;

    // The datapath's key holds the correspondent address: a binding that
    // moves to another of this node's addresses leaves its old entry.
    std::optional<in6_addr> old_cn;
    if (const cn::Binding* old = cache_.find(hoa)) old_cn = old->cn;
    const auto o = cache_.process(req, ctx_.loop.now());
    switch (o.action) {
        case Action::Discard:
            if (o.discard == cn::Outcome::Discard::Incomplete)
                ctx_.stats.bu_drop_invalid++;
            else
                ctx_.stats.bu_drop_auth++;
            XLOG_DEBUG("BU from %s for %s discarded: %s", to_string(req.coa).c_str(), to_string(hoa).c_str(),
                       o.discard == cn::Outcome::Discard::Incomplete ? "no nonce indices or authorization data"
                                                                     : "authenticator does not verify");
            return;
        case Action::Reject: break;
        case Action::Register:
        case Action::Update: {
            if (old_cn && !core::same_addr(*old_cn, req.cn)) ctx_.cn_bindings->remove(hoa, *old_cn);
            ctx_.cn_bindings->set(RoBinding{hoa, req.cn, req.coa});  // unmarked: a new period of use starts
            schedule_refresh(*cache_.find(hoa));
            XLOG_EVENT_INFO(({{"EVENT", o.action == Action::Register ? "ro-registered" : "ro-updated"},
                              {"HOA", to_string(hoa)},
                              {"COA", to_string(req.coa)}}),
                            "route-optimised binding %s -> %s (%u s)", to_string(hoa).c_str(),
                            to_string(req.coa).c_str(), o.lifetime_s);
            break;
        }
        case Action::Deregister:
            if (old_cn) ctx_.cn_bindings->remove(hoa, *old_cn);
            ctx_.loop.timers().cancel(refresh_timers_[hoa]);
            refresh_timers_.erase(hoa);
            XLOG_EVENT_INFO(({{"EVENT", "ro-deregistered"}, {"HOA", to_string(hoa)}}),
                            "route-optimised binding for %s removed", to_string(hoa).c_str());
            break;
    }
    if (o.send_ba) send_ba(req.cn, hoa, req.coa, o);
    schedule_expiry();
}

void CnService::send_ba(const in6_addr& cn, const in6_addr& hoa, const in6_addr& coa, const cn::Outcome& o) {
    mh::Message msg{std::in_place_type<mh::BindingAck>};
    auto& ba = std::get<mh::BindingAck>(msg);
    ba.status = o.status;
    ba.sequence = o.seq;
    ba.set_lifetime_seconds(o.lifetime_s);
    // With Kbm the BA carries Binding Authorization Data (RFC 6275 9.5.4);
    // without (expired nonces, a home registration) it cannot.
    if (o.kbm && !rr::sign(msg, *o.kbm, coa, cn)) return;
    mh::PacketSpec spec;
    spec.src = cn;
    spec.dst = coa;
    if (!core::same_addr(coa, hoa)) spec.routing_header2 = hoa;  // 6.4: to the home address via the care-of address
    if (!send_mobility(ctx_, spec, msg)) return;
    if (o.status < 128)
        ctx_.stats.ba_sent++;
    else
        ctx_.stats.ba_nack_sent++;
    ctx_.stats.ba_status_sent[o.status]++;
}

}  // namespace xmip::agent
