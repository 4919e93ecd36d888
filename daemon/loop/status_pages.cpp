#include "daemon/loop/status_pages.hpp"

#include <string_view>
#include <vector>

#include "node/loop/json_text.hpp"

namespace clocksim::daemon {

namespace {

constexpr std::string_view kKeyMaps[] = {"signing_key_ids", "accepted_key_ids"};

bool has_key_maps(const nlohmann::json& status) {
  return status.contains("keys") && status["keys"].is_object();
}

// The member's id as the key maps spell it.
std::string member_key(const nlohmann::json& peer) {
  return peer.is_object() && peer.contains("id") ? node::json_text(peer["id"]) : std::string();
}

// Bytes member `peer` adds to a page: its entry in `peers` and its fields in the key maps, each
// with the comma before it.
std::size_t member_bytes(const nlohmann::json& status, const nlohmann::json& peer) {
  std::size_t bytes = node::json_text(peer).size() + 1;
  if (!has_key_maps(status)) return bytes;
  const std::string key = member_key(peer);
  for (std::string_view map : kKeyMaps) {
    const nlohmann::json& m = status["keys"][std::string(map)];
    if (!m.is_object() || !m.contains(key)) continue;
    bytes += key.size() + 2 + 1 + node::json_text(m[key]).size() + 1;  // "key":value,
  }
  return bytes;
}

std::string page_text(const nlohmann::json& status, std::size_t from, std::size_t to) {
  const nlohmann::json& peers = status["peers"];
  nlohmann::json page = status;
  page["peers"] = nlohmann::json::array();
  if (has_key_maps(status)) {
    for (std::string_view map : kKeyMaps) {
      if (page["keys"].contains(std::string(map))) page["keys"][std::string(map)] = nlohmann::json::object();
    }
  }
  for (std::size_t i = from; i < to; ++i) {
    page["peers"].push_back(peers[i]);
    if (!has_key_maps(status)) continue;
    const std::string key = member_key(peers[i]);
    for (std::string_view map : kKeyMaps) {
      const nlohmann::json& m = status["keys"][std::string(map)];
      if (m.is_object() && m.contains(key)) page["keys"][std::string(map)][key] = m[key];
    }
  }
  page["page"] = {{"peers_from", from},
                  {"peers_total", peers.size()},
                  {"peers_next", to < peers.size() ? nlohmann::json(to) : nlohmann::json(nullptr)}};
  return node::json_text(page);
}

}  // namespace

std::string status_page(const nlohmann::json& status, std::size_t peers_from, std::size_t max_bytes) {
  static const nlohmann::json kNone = nlohmann::json::array();
  const nlohmann::json& peers = status.contains("peers") && status["peers"].is_array() ? status["peers"] : kNone;
  const std::size_t total = peers.size();
  const std::size_t from = std::min(peers_from, total);
  if (&peers == &kNone) {
    nlohmann::json whole = status;
    whole["peers"] = kNone;
    return page_text(whole, 0, 0);
  }
  // The page without members, its peers_next written as long as it can get; then members while
  // they fit. The estimate counts a comma per member, one more than the text has.
  std::size_t bytes = page_text(status, from, from).size() + std::to_string(total).size();
  std::size_t to = from;
  while (to < total) {
    const std::size_t more = member_bytes(status, peers[to]);
    if (to > from && bytes + more > max_bytes) break;
    bytes += more;
    ++to;
  }
  std::string text = page_text(status, from, to);
  while (text.size() > max_bytes && to > from + 1) text = page_text(status, from, --to);
  return text;
}

StatusPages::StatusPages(nlohmann::json first) : whole_(std::move(first)) {
  if (!whole_.is_object() || !whole_.contains("page")) {
    problem_ = "the answer has no \"page\": not a paged status answer";
    return;
  }
  const nlohmann::json& p = whole_["page"];
  if (!p.is_object() || !p.value("peers_total", nlohmann::json()).is_number_unsigned() ||
      p.value("peers_from", nlohmann::json()) != 0 || !whole_.contains("peers") || !whole_["peers"].is_array()) {
    problem_ = "the first page is malformed";
    return;
  }
  total_ = p["peers_total"].get<std::size_t>();
  if (const auto& n = p.value("peers_next", nlohmann::json()); n.is_number_unsigned()) next_ = n.get<std::size_t>();
  if (next_ && (*next_ != whole_["peers"].size() || *next_ == 0 || *next_ > total_)) {
    problem_ = "the first page's peers_next does not follow its members";
  } else if (!next_ && whole_["peers"].size() != total_) {
    problem_ = "the first page ends with " + std::to_string(whole_["peers"].size()) + " of " +
               std::to_string(total_) + " members";
  }
}

std::optional<std::size_t> StatusPages::next() const { return problem_ ? std::nullopt : next_; }

std::optional<std::string> StatusPages::add(const nlohmann::json& page) {
  if (problem_) return problem_;
  if (!next_) return std::string("no page was asked for");
  const auto fail = [this](std::string why) {
    problem_ = std::move(why);
    return problem_;
  };
  if (!page.is_object() || !page.contains("page") || !page["page"].is_object() || !page.contains("peers") ||
      !page["peers"].is_array()) {
    return fail("the page for member " + std::to_string(*next_) + " is malformed");
  }
  const nlohmann::json& p = page["page"];
  if (page.value("id", nlohmann::json()) != whole_["id"] || page.value("epoch", nlohmann::json()) != whole_["epoch"] ||
      p.value("peers_total", nlohmann::json()) != total_) {
    return fail("the node changed between pages (restarted, or another node answers there); ask again");
  }
  if (p.value("peers_from", nlohmann::json()) != *next_ || page["peers"].empty()) {
    return fail("asked for the page from member " + std::to_string(*next_) + ", got another");
  }
  for (const auto& peer : page["peers"]) whole_["peers"].push_back(peer);
  if (has_key_maps(whole_) && has_key_maps(page)) {
    for (std::string_view map : kKeyMaps) {
      const std::string m(map);
      if (!page["keys"].contains(m) || !page["keys"][m].is_object() || !whole_["keys"].contains(m)) continue;
      for (const auto& [k, v] : page["keys"][m].items()) whole_["keys"][m][k] = v;
    }
  }
  const std::size_t have = whole_["peers"].size();
  const nlohmann::json& n = p.value("peers_next", nlohmann::json());
  if (n.is_null()) {
    next_.reset();
    if (have != total_) return fail("the last page ends with " + std::to_string(have) + " of " + std::to_string(total_) + " members");
    return std::nullopt;
  }
  if (!n.is_number_unsigned() || n.get<std::size_t>() != have || have > total_) {
    return fail("a page's peers_next does not follow its members");
  }
  next_ = have;
  return std::nullopt;
}

nlohmann::json StatusPages::result() const {
  nlohmann::json r = whole_;
  if (r.is_object()) r.erase("page");
  return r;
}

}  // namespace clocksim::daemon
