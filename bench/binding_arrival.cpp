// SPDX-License-Identifier: BSD-2-Clause
#include "binding_arrival.hpp"

namespace xmip::bench {

BindingArrival::BindingArrival(const std::vector<std::string>& pin_dirs, std::chrono::microseconds poll) : poll_(poll) {
    for (const auto& d : pin_dirs) maps_.push_back(dp::DatapathMaps::open_pinned(d));
    pending_.resize(maps_.size());
    outstanding_.assign(maps_.size(), 0);
    thread_ = std::thread([this] { run(); });
}

BindingArrival::~BindingArrival() {
    {
        std::lock_guard<std::mutex> l(mu_);
        stop_ = true;
    }
    thread_.join();
}

void BindingArrival::accepted(const xmip_in6& hoa, Clock::time_point at) {
    std::lock_guard<std::mutex> l(mu_);
    for (size_t m = 0; m < pending_.size(); m++) {
        pending_[m].push_back({hoa, at});
        outstanding_[m]++;
    }
}

void BindingArrival::run() {
    std::vector<Watch> batch;
    for (;;) {
        for (size_t m = 0; m < maps_.size(); m++) {
            {
                std::lock_guard<std::mutex> l(mu_);
                if (stop_) return;
                batch.swap(pending_[m]);
            }
            // The lookups outside the lock: the generator's thread is not
            // held while a sweep of thousands of entries runs.
            std::vector<Watch> left;
            std::vector<double> lags;
            size_t first = 0;
            for (auto& w : batch) {
                if (maps_[m].lookup_binding(w.hoa)) {
                    const auto now = Clock::now();
                    lags.push_back(w.looked ? std::chrono::duration<double, std::milli>(now - w.at).count() : 0.0);
                    if (!w.looked) first++;
                } else {
                    w.looked = true;
                    left.push_back(w);
                }
            }
            batch.clear();
            std::lock_guard<std::mutex> l(mu_);
            lag_ms_.insert(lag_ms_.end(), lags.begin(), lags.end());
            first_look_ += first;
            outstanding_[m] -= lags.size();
            pending_[m].insert(pending_[m].begin(), left.begin(), left.end());
        }
        std::this_thread::sleep_for(poll_);
    }
}

bool BindingArrival::settle(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        bool done = true;
        for (size_t m = 0; m < maps_.size(); m++) done = done && missing(m) == 0;
        if (done) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::vector<double> BindingArrival::lag_ms() const {
    std::lock_guard<std::mutex> l(mu_);
    return lag_ms_;
}

size_t BindingArrival::found_at_first_look() const {
    std::lock_guard<std::mutex> l(mu_);
    return first_look_;
}

size_t BindingArrival::missing(size_t m) const {
    std::lock_guard<std::mutex> l(mu_);
    return outstanding_[m];
}

std::vector<xmip_in6> BindingArrival::map_keys(size_t m) const {
    std::vector<xmip_in6> keys;
    for (const auto& [k, b] : maps_[m].bindings()) keys.push_back(k);
    return keys;
}

}  // namespace xmip::bench
