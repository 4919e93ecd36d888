#include "node/wire/keyring.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

namespace clocksim::node::wire {

Keyring Keyring::shared(ClusterKey key) {
  Keyring k;
  k.shared_.emplace(std::move(key));
  return k;
}

void Keyring::add(NodeId peer, std::uint32_t key_id, ClusterKey key) {
  keys_.insert_or_assign({peer, key_id}, std::move(key));
}

const ClusterKey* Keyring::find(NodeId peer, std::uint32_t key_id) const {
  if (shared_) return key_id == 0 ? &*shared_ : nullptr;
  const auto it = keys_.find({peer, key_id});
  return it == keys_.end() ? nullptr : &it->second;
}

std::optional<std::pair<std::uint32_t, const ClusterKey*>> Keyring::signing_key(NodeId peer) const {
  if (shared_) return std::make_pair(std::uint32_t{0}, &*shared_);
  // The map is ordered by (peer, id): the last entry of this peer has the highest id.
  auto it = keys_.upper_bound({peer, UINT32_MAX});
  if (it == keys_.begin()) return std::nullopt;
  --it;
  if (it->first.first != peer) return std::nullopt;
  return std::make_pair(it->first.second, &it->second);
}

bool Keyring::has_peer(NodeId peer) const { return signing_key(peer).has_value(); }

std::uint32_t Keyring::highest_key_id() const {
  std::uint32_t highest = 0;
  for (const auto& [peer_and_id, key] : keys_) highest = std::max(highest, peer_and_id.second);
  return highest;
}

namespace {
std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

std::optional<std::uint32_t> parse_u32(const std::string& s) {
  std::uint32_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::variant<Keyring, std::string> parse_keyring_text(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  std::vector<std::string> bare_lines;
  Keyring ring;
  bool any_pair = false;  // per-peer lines seen
  while (std::getline(in, line)) {
    ++line_no;
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    const auto words = split_words(line);
    const std::string where = origin + ":" + std::to_string(line_no);
    if (words.size() == 1) {
      bare_lines.push_back(line);
      continue;
    }
    if (words.size() != 3) {
      return where + ": expected 'PEER_ID KEY_ID HEX' (or a single hex cluster key), found " +
             std::to_string(words.size()) + " fields";
    }
    const auto peer = parse_u32(words[0]);
    const auto id = parse_u32(words[1]);
    if (!peer) return where + ": peer id '" + words[0] + "' is not a number";
    if (!id) return where + ": key id '" + words[1] + "' is not a number";
    auto key = parse_key_text(words[2], where);
    if (auto* e = std::get_if<std::string>(&key)) return *e;
    if (ring.find(*peer, *id)) return where + ": key " + words[1] + " of peer " + words[0] + " given twice";
    ring.add(*peer, *id, std::move(std::get<ClusterKey>(key)));
    any_pair = true;
  }
  if (!bare_lines.empty()) {
    if (any_pair) return origin + ": mixes a cluster-wide key with per-peer keys; use one form";
    std::string joined;
    for (const auto& l : bare_lines) joined += l + "\n";
    auto key = parse_key_text(joined, origin);
    if (auto* e = std::get_if<std::string>(&key)) return *e;
    return Keyring::shared(std::move(std::get<ClusterKey>(key)));
  }
  // No key at all is a valid keyring for a node without peers; the loop refuses any peer that
  // has no key, naming it.
  return ring;
}

std::string keep_key_id(const std::string& text, std::uint32_t key_id) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) {
    const auto words = split_words(line);
    const bool comment = words.empty() || words[0][0] == '#';
    // A key line's id is its second word; a rotation's comment ("# key id N (...)") its fourth.
    const std::size_t at = comment ? 3 : 1;
    const bool key_line = !comment && words.size() == 3;
    const bool rotation_note = comment && words.size() >= 4 && words[0] == "#" && words[1] == "key" && words[2] == "id";
    if (key_line || rotation_note) {
      std::uint32_t id = 0;
      const std::string& w = words[at];
      const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), id);
      if (ec == std::errc() && end == w.data() + w.size() && id != key_id) continue;
    }
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace clocksim::node::wire
