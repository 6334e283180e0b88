// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_dad.hpp"

#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "core/log.hpp"
#include "nd/checksum.hpp"
#include "nd/neighbour.hpp"

namespace xmip::agent {

DadProbes::~DadProbes() {
    for (auto& [hoa, p] : probes_) loop_.timers().cancel(p.timer);
}

void DadProbes::start(const in6_addr& hoa, const in6_addr& coa, std::optional<core::TimePoint> received) {
    if (probes_.count(hoa)) return;
    // The probe: an NS from :: to the home address's solicited-node group,
    // built whole (a socket cannot send from ::).
    auto ns = nd::encode(nd::dad_solicitation(hoa));
    in6_addr group = core::solicited_node_multicast(hoa);
    nd::set_icmpv6_checksum(in6_addr{}, group, ns);
    std::vector<uint8_t> pkt(40 + ns.size(), 0);
    pkt[0] = 0x60;
    pkt[4] = static_cast<uint8_t>(ns.size() >> 8);
    pkt[5] = static_cast<uint8_t>(ns.size());
    pkt[6] = IPPROTO_ICMPV6;
    pkt[7] = 255;
    std::memcpy(&pkt[24], &group, 16);
    std::memcpy(&pkt[40], ns.data(), ns.size());
    wire_.send(pkt, ifindex_);
    auto timer = loop_.timers().schedule(loop_.now() + kWait, [this, hoa] {
        auto it = probes_.find(hoa);
        if (it == probes_.end()) return;
        Result r{hoa, it->second.coa, !it->second.duplicate, it->second.received};
        probes_.erase(it);
        if (!r.unique)
            XLOG_WARN("DAD failed for %s: another node uses it on the home link", core::to_string(hoa).c_str());
        done_(r);
    });
    probes_[hoa] = Probe{coa, timer, false, received};
    XLOG_DEBUG("DAD for %s started", core::to_string(hoa).c_str());
}

void DadProbes::advertised(const in6_addr& target) {
    auto it = probes_.find(target);
    if (it != probes_.end()) it->second.duplicate = true;
}

}  // namespace xmip::agent
