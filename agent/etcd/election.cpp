// SPDX-License-Identifier: BSD-2-Clause
#include "etcd/election.hpp"

#include <cstdio>

namespace xmip::etcd {

std::string lease_hex(int64_t lease) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(lease));
    return buf;
}

Election::Election(Client& c, std::string prefix, int64_t lease)
    : c_(c), prefix_(std::move(prefix)), key_(prefix_ + lease_hex(lease)), lease_(lease) {}

Result<bool> Election::campaign(const std::string& value) {
    TxnRequest t;
    t.compare.push_back(Compare::create_revision(key_, Compare::Op::equal, 0));
    t.success.push_back(PutRequest{key_, value, lease_, false});
    t.failure.push_back(RangeRequest::one(key_));
    auto r = c_.txn(t);
    if (!r) return r.error();
    if (r->succeeded) {
        create_revision_ = r->header.revision;
    } else {
        const auto* got = r->responses.empty() ? nullptr : std::get_if<RangeResponse>(&r->responses[0]);
        if (got == nullptr || got->kvs.empty()) {
            return Error{Error::Kind::protocol, "election key " + key_ + ": txn failed but the key is absent", 0};
        }
        create_revision_ = got->kvs[0].create_revision;
        // Already campaigning: bring the value up to date, keep the place.
        if (got->kvs[0].value != value) {
            TxnRequest u;
            u.compare.push_back(Compare::create_revision(key_, Compare::Op::equal, create_revision_));
            u.success.push_back(PutRequest{key_, value, lease_, false});
            auto ur = c_.txn(u);
            if (!ur) return ur.error();
        }
    }
    return is_leader();
}

Result<std::optional<KeyValue>> Election::leader() {
    RangeRequest r;
    r.key = prefix_;
    r.range_end = prefix_end(prefix_);
    r.limit = 1;
    r.sort_order = RangeRequest::SortOrder::ascend;
    r.sort_target = RangeRequest::SortTarget::create;
    auto got = c_.range(r);
    if (!got) return got.error();
    if (got->kvs.empty()) return std::optional<KeyValue>{};
    return std::optional<KeyValue>{got->kvs[0]};
}

Result<bool> Election::is_leader() {
    if (create_revision_ == 0) return false;
    auto l = leader();
    if (!l) return l.error();
    return l->has_value() && (*l)->key == key_ && (*l)->create_revision == create_revision_;
}

Status Election::resign() {
    if (create_revision_ == 0) return {};
    TxnRequest t;
    t.compare.push_back(Compare::create_revision(key_, Compare::Op::equal, create_revision_));
    t.success.push_back(DeleteRequest{key_, {}, false});
    auto r = c_.txn(t);
    if (!r) return r.error();
    create_revision_ = 0;
    return {};
}

}  // namespace xmip::etcd
