// Per-pair keys, as chrony's and ntpd's key files: every (sender, receiver) pair has its own
// secret, so a member that holds its own keys can neither speak for another member nor read a
// packet meant for someone else as one meant for it. Each node's keyring holds only the keys it
// shares with its peers (`clocksyncctl keygen` writes one file per node).
//
// File format, one key per line (blank lines and '#' comments ignored):
//   PEER_ID KEY_ID HEX        e.g.  2 1 6f1c...   (the key shared with node 2, key id 1)
//   PEER_ID KEY_ID HEX accept-only
//                             a key this node accepts from the peer but does not sign with
//   HEX                       one cluster-wide key for every peer (key id 0): simpler, but then
//                             any key holder can speak for any member; not recommended.
// Several ids for one peer allow rotation: a node signs with the highest id not marked
// accept-only, and accepts any listed id.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "node/wire/auth.hpp"

namespace clocksim::node::wire {

class Keyring {
 public:
  // A keyring with one key for every peer (key id 0).
  static Keyring shared(ClusterKey key);
  void add(NodeId peer, std::uint32_t key_id, ClusterKey key, bool accept_only = false);

  // A key this node accepts from `peer` under `key_id` (accept-only or not).
  const ClusterKey* find(NodeId peer, std::uint32_t key_id) const;
  // The key to sign with for `peer`: the highest id not marked accept-only.
  std::optional<std::pair<std::uint32_t, const ClusterKey*>> signing_key(NodeId peer) const;
  // Every id accepted from `peer`, ascending ({0} for a cluster key).
  std::vector<std::uint32_t> accepted_key_ids(NodeId peer) const;
  bool is_accept_only(NodeId peer, std::uint32_t key_id) const;
  bool is_shared() const { return shared_.has_value(); }
  // Whether this node can sign for `peer`.
  bool has_peer(NodeId peer) const;
  // Every peer with a pair key, ascending (none for a cluster key).
  std::vector<NodeId> peers() const;
  // The highest key id of any pair key, accept-only included (0 for a cluster key or an empty keyring).
  std::uint32_t highest_key_id() const;
  std::size_t size() const { return keys_.size() + (shared_ ? 1 : 0); }

 private:
  struct PairKey {
    ClusterKey key;
    bool accept_only = false;
  };
  std::optional<ClusterKey> shared_;
  std::map<std::pair<NodeId, std::uint32_t>, PairKey> keys_;
};

std::variant<Keyring, std::string> parse_keyring_text(const std::string& text, const std::string& origin);

// Rotation without a lost packet (clocksyncctl keygen --rotate, --activate, --retire) is three
// reloads, each on every member (SIGHUP), because members reload one after another:
//   1. keys with a new id are added accept-only: a reloaded member accepts them and still signs
//      with the old id, which every member, reloaded or not, accepts;
//   2. once all have reloaded, the new id is activated: a reloaded member signs with it, and
//      every member already accepts it;
//   3. once all have reloaded again, the files keep only the new id: after that reload a stolen
//      old key opens nothing.
// Were a member to sign with a new id at once, its packets to the members not yet reloaded would
// be dropped as unknown keys until they were.

// `text` (a keyring file's text) without the pair keys whose key id is not `key_id`; comments
// and blank lines are kept, and lines that are not pair keys. Step 3.
std::string keep_key_id(const std::string& text, std::uint32_t key_id);
// `text` with the pair keys of `key_id` no longer accept-only; every other line as it was. Step 2.
std::string activate_key_id(const std::string& text, std::uint32_t key_id);

}  // namespace clocksim::node::wire
