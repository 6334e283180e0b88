// SPDX-License-Identifier: BSD-2-Clause
#include "core/timers.hpp"

namespace xmip::core {

Timers::Id Timers::schedule(TimePoint when, Callback cb) {
    Id id = next_id_++;
    queue_.emplace(Key{when, id}, std::move(cb));
    by_id_.emplace(id, when);
    return id;
}

bool Timers::cancel(Id id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    queue_.erase(Key{it->second, id});
    by_id_.erase(it);
    return true;
}

void Timers::cancel(std::optional<Id>& id) {
    if (id) cancel(*id);
    id.reset();
}

size_t Timers::run_due(TimePoint now) {
    size_t ran = 0;
    while (!queue_.empty() && queue_.begin()->first.first <= now) {
        auto node = queue_.extract(queue_.begin());
        by_id_.erase(node.key().second);
        node.mapped()();  // may schedule or cancel others: we re-read begin()
        ran++;
    }
    return ran;
}

std::optional<TimePoint> Timers::next_deadline() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first.first;
}

}  // namespace xmip::core
