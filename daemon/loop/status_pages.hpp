// A status answer split into datagram-sized pages. Most of the answer is one node's own state and
// stays small; what grows with the cluster is per member: `peers` (one entry per member, in id
// order) and the keys' `signing_key_ids` / `accepted_key_ids` (one field per member). A page is the
// whole answer with only the members [peers_from, peers_next) of those, plus
// "page": {"peers_from", "peers_total", "peers_next" (null on the last page)}. The client asks
// "status" and then "status <peers_next>" until peers_next is null, and appends each page's members
// to the first page: an answer is never cut short, and a reader sees where it stops.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace clocksim::daemon {

// The page of `status` (a whole answer, as DaemonLoop::status_json) that starts at member
// `peers_from`, with as many members as keep its text within `max_bytes`, and at least one while
// any is left, so that a reader always moves on; a page that cannot fit even so is longer than
// `max_bytes`, for the caller to refuse. Past the last member: the answer without members.
std::string status_page(const nlohmann::json& status, std::size_t peers_from, std::size_t max_bytes);

// What the client makes of the pages. `first` is the answer to "status"; while next() names a
// member, the client asks for the page starting there and hands it to add(), which checks that it
// is the page asked for, from the same run of the same node (id, epoch, member count), and appends
// its members. done() once every member is in; result() is then the whole answer without "page".
class StatusPages {
 public:
  explicit StatusPages(nlohmann::json first);
  // Why `first` is not a page (an answer from a daemon before paging has none: it is whole).
  std::optional<std::string> problem() const { return problem_; }
  std::optional<std::size_t> next() const;
  std::optional<std::string> add(const nlohmann::json& page);
  bool done() const { return !problem_ && !next(); }
  nlohmann::json result() const;

 private:
  nlohmann::json whole_;
  std::size_t total_ = 0;
  std::optional<std::size_t> next_;
  std::optional<std::string> problem_;
};

}  // namespace clocksim::daemon
