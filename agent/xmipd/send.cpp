// SPDX-License-Identifier: BSD-2-Clause
#include "core/log.hpp"
#include "mh/packet.hpp"
#include "xmipd/context.hpp"

namespace xmip::agent {

bool send_mobility(Context& ctx, const mh::PacketSpec& spec, const mh::Message& msg) {
    auto pkt = mh::build_packet(spec, msg);
    if (!pkt) {
        XLOG_ERROR("cannot build a Mobility Header packet: %s", std::string(mh::to_string(pkt.error().code)).c_str());
        return false;
    }
    return ctx.wire.send(*pkt);
}

}  // namespace xmip::agent
