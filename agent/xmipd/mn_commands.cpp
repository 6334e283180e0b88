// SPDX-License-Identifier: BSD-2-Clause
// The mobile node on the control socket: its status and the binding
// update list as views (control/views.hpp).
#include "control/protocol.hpp"
#include "control/views.hpp"
#include "core/log.hpp"
#include "xmipd/mn_service.hpp"

namespace xmip::agent {

using core::to_string;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

nlohmann::json MnService::status() const {
    const auto& coa = link_.care_of_address();
    control::MnStatus s;
    s.role = "mn";
    s.home_address = to_string(hoa_);
    s.home_agent = to_string(ha_);
    s.interface = cfg_.interface;
    s.location = where_ == Where::Home ? "home" : where_ == Where::Away ? "away" : "unknown";
    s.care_of_address = coa ? to_string(*coa) : "";
    s.last_handoff_ms = last_handoff_ms_;
    return s;
}

nlohmann::json MnService::bindings() const {
    const auto now = ctx_.loop.now();
    auto ms = [](core::Duration d) { return static_cast<long>(duration_cast<milliseconds>(d).count()); };
    control::BulEntry e;
    e.recipient = "ha";
    e.home_token_age_s = e.care_of_token_age_s = -1;
    e.home_agent = to_string(bul_.home_agent());
    e.home_address = to_string(bul_.home_address());
    e.care_of_address = link_.care_of_address() ? to_string(bul_.care_of()) : "";
    e.state = std::string(mn::to_string(bul_.state()));
    e.sequence = bul_.last_seq();
    e.lifetime = bul_.granted_lifetime();
    e.retransmit_delay_ms = ms(bul_.retransmit_delay());
    e.max_delay_ms = ms(bul_.max_delay());
    e.transmissions = bul_.transmissions();
    e.expires_in = bul_.expires() ? std::max<long>(0, duration_cast<seconds>(*bul_.expires() - now).count()) : 0;
    e.next_event_in_ms = bul_.next_timer() ? std::max<long>(0, ms(*bul_.next_timer() - now)) : -1;
    auto all = nlohmann::json::array({nlohmann::json(e)});
    for (auto& cn : ro_->entries()) all.push_back(std::move(cn));
    return all;
}

size_t MnService::binding_count() const { return ctx_.tunnels.find(hoa_) ? 1 : 0; }

nlohmann::json MnService::refresh_now() {
    // As on a Binding Refresh Request (RFC 6275 11.7.4): the registration
    // of the current care-of address again, a new sequence number, the
    // retransmission schedule from its start. Only while bound: a
    // registration in progress is already being sent.
    auto bu = bul_.on_refresh_request(ctx_.loop.now());
    if (!bu)
        throw control::CommandError{control::kErrNotFound,
                                    std::string("nothing to refresh: the binding update list is ") +
                                        std::string(mn::to_string(bul_.state())) + ", not bound"};
    send_bu(*bu);
    XLOG_INFO("refresh asked on the control socket: BU %u for %s", bu->seq, to_string(bu->coa).c_str());
    control::RefreshAnswer a;
    a.sequence = bu->seq;
    a.care_of_address = to_string(bu->coa);
    return a;
}

void MnService::register_commands(control::Server& s) {
    s.handle(control::cmd::kBindingUpdateList, [this](const nlohmann::json&) { return bindings(); });
    s.handle(control::cmd::kRefresh, [this](const nlohmann::json&) { return refresh_now(); });
}

}  // namespace xmip::agent
