"""Human handover state in Redis: the agent queue, who owns a conversation, transcripts, presence.

Keys (prefix `ho:`):
- `ho:conv:<sender>`        hash: state (bot | queued | agent), priority, topic, summary, channel,
                            customer, queued_at, agent, claimed_at
- `ho:queue`                sorted set of queued senders; higher priority first, then oldest first
- `ho:transcript:<sender>`  list of JSON lines {id, ts, role, text, agent (login), name (display name, optional)}; `ho:seq:<sender>` numbers them
- `ho:presence:<agent>`     set with a TTL while an agent's desk is connected
- pub/sub `ho:events`       JSON events for desks and channels (queued, claimed, message, released, ...)

`export_for` and `delete_for` answer for a person's conversations here (Auskunft, Löschung): the linked
ones and any queued with the person's number. Transcripts expire with TRANSCRIPT_TTL.

Claiming, releasing and closing are Lua scripts, so two agents clicking at once get one winner.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis

from bot.core.clock import now_local
from bot.core.subject import DataSubject, decoded
from bot.languages.context import current as current_language

EVENTS = "ho:events"
# "crisis": a person in crisis (bot/safety/), always on top of the queue, shown as "Krise" in the desk
PRIORITY = {"normal": 0, "high": 1, "urgent": 2, "crisis": 3}
PRESENCE_TTL = 45
TRANSCRIPT_TTL = 30 * 24 * 3600
DEFAULT_DISPLAY = "Das Service Center"  # what citizens read for an agent without a display name

_ENQUEUE = """
-- KEYS: conv hash, queue;  ARGV: sender, score, now, priority, topic, summary, channel, customer
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'queued' or state == 'agent' then return state end
redis.call('HSET', KEYS[1], 'state', 'queued', 'queued_at', ARGV[3], 'priority', ARGV[4], 'topic', ARGV[5],
           'summary', ARGV[6], 'channel', ARGV[7], 'customer', ARGV[8], 'agent', '', 'team', '')
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]), ARGV[1])
return 'queued'
"""

_TO_TEAM = """
-- KEYS: conv hash, queue;  ARGV: sender, agent, team, score, now
if redis.call('HGET', KEYS[1], 'agent') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'agent' then
  return 'not_owner'
end
redis.call('HSET', KEYS[1], 'state', 'queued', 'agent', '', 'team', ARGV[3], 'queued_at', ARGV[5],
           'transferred_from', ARGV[2])
redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), ARGV[1])
return 'ok'
"""

_ESCALATE = """
-- KEYS: conv hash, queue;  ARGV: sender, priority, score, topic
-- Raises a queued conversation's priority (never lowers it); returns the state.
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'queued' then return state or 'bot' end
redis.call('HSET', KEYS[1], 'priority', ARGV[2], 'topic', ARGV[4])
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[1])
return 'queued'
"""

_CLAIM = """
-- KEYS: conv hash, queue;  ARGV: sender, agent, now
if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then
  return {'taken', redis.call('HGET', KEYS[1], 'agent') or ''}
end
redis.call('HSET', KEYS[1], 'state', 'agent', 'agent', ARGV[2], 'claimed_at', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'ok', ARGV[2]}
"""

_RELEASE = """
-- KEYS: conv hash, queue;  ARGV: sender, agent, new state (bot | closed), outcome, now
if redis.call('HGET', KEYS[1], 'agent') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'agent' then
  return 'not_owner'
end
redis.call('HSET', KEYS[1], 'state', 'bot', 'agent', '', 'released_at', ARGV[5], 'outcome', ARGV[4])
redis.call('ZREM', KEYS[2], ARGV[1])
return 'ok'
"""

_TRANSFER = """
-- KEYS: conv hash;  ARGV: from agent, to agent, now
if redis.call('HGET', KEYS[1], 'agent') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'agent' then
  return 'not_owner'
end
redis.call('HSET', KEYS[1], 'agent', ARGV[2], 'claimed_at', ARGV[3], 'transferred_from', ARGV[1])
return 'ok'
"""

_APPEND = """
-- KEYS: transcript list, sequence;  ARGV: json without id (ends with '}'), ttl
local id = redis.call('INCR', KEYS[2])
local line = '{"id":' .. id .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[1], line)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
return line
"""


@dataclass(frozen=True)
class QueueEntry:
    sender: str
    priority: str
    topic: str
    summary: str
    channel: str
    customer: str
    queued_at: float
    team: str = ""  # an office key: the conversation was handed to that team
    language: str = "de"  # the conversation's language (bot/languages/): the desk shows it so the right agent takes it

    def waiting_seconds(self, now: float) -> int:
        return max(0, int(now - self.queued_at))


class Handover:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self._enqueue = client.register_script(_ENQUEUE)
        self._claim = client.register_script(_CLAIM)
        self._escalate = client.register_script(_ESCALATE)
        self._release = client.register_script(_RELEASE)
        self._transfer = client.register_script(_TRANSFER)
        self._to_team = client.register_script(_TO_TEAM)
        self._append = client.register_script(_APPEND)

    # ------------------------------------------------------------------ state
    def state(self, sender: str) -> str:
        value = self.redis.hget(f"ho:conv:{sender}", "state")
        return value.decode() if value else "bot"

    def owner(self, sender: str) -> str | None:
        value = self.redis.hget(f"ho:conv:{sender}", "agent")
        return value.decode() or None if value else None

    def language(self, sender: str) -> str:
        """The conversation's language when it was handed over ("de" when none was recorded)."""
        value = self.redis.hget(f"ho:conv:{sender}", "language")
        return value.decode() if value else "de"

    def is_with_human(self, sender: str) -> bool:
        return self.state(sender) in ("queued", "agent")

    # ------------------------------------------------------------------ queue
    def enqueue(self, sender: str, priority: str = "normal", topic: str = "", summary: str = "",
                channel: str = "chat", customer: str = "", now: float | None = None) -> str:
        now = now or time.time()
        score = -PRIORITY[priority] * 1e11 + now
        result: str = self._enqueue(keys=[f"ho:conv:{sender}", "ho:queue"],
                                    args=[sender, score, now, priority, topic, summary, channel, customer]).decode()
        self.redis.hset(f"ho:conv:{sender}", "language", current_language())
        if result == "queued":
            self.publish({"type": "queued", "sender": sender, "priority": priority, "topic": topic})
        return result

    def escalate(self, sender: str, priority: str, topic: str) -> str:
        """A conversation already waiting moves up to `priority` (keeping its place among equals by its
        original waiting time); returns its state (bot | queued | agent)."""
        raw = self.redis.hget(f"ho:conv:{sender}", "queued_at")
        current = self.redis.hget(f"ho:conv:{sender}", "priority")
        if current and PRIORITY.get(current.decode(), 0) >= PRIORITY[priority]:
            return self.state(sender)
        queued_at = float(raw) if raw else time.time()
        result: str = self._escalate(keys=[f"ho:conv:{sender}", "ho:queue"],
                                     args=[sender, priority, -PRIORITY[priority] * 1e11 + queued_at, topic]).decode()
        if result == "queued":
            self.publish({"type": "queued", "sender": sender, "priority": priority, "topic": topic})
        return result

    def queue(self) -> list[QueueEntry]:
        entries = []
        for raw in self.redis.zrange("ho:queue", 0, -1):
            sender = raw.decode()
            data = {k.decode(): v.decode() for k, v in self.redis.hgetall(f"ho:conv:{sender}").items()}
            if data.get("state") != "queued":
                continue
            entries.append(QueueEntry(sender, data.get("priority", "normal"), data.get("topic", ""),
                                      data.get("summary", ""), data.get("channel", "chat"), data.get("customer", ""),
                                      float(data.get("queued_at", 0)), data.get("team", ""),
                                      data.get("language", "de")))
        return entries

    def position(self, sender: str) -> int | None:
        rank = self.redis.zrank("ho:queue", sender)
        return None if rank is None else rank + 1

    def claim(self, sender: str, agent: str, display: str = "") -> tuple[bool, str]:
        """`agent` is the desk login (ownership, access); citizens read only `display` (the account's display
        name, e.g. "Frau Schmidt"; without one: DEFAULT_DISPLAY)."""
        status, holder = self._claim(keys=[f"ho:conv:{sender}", "ho:queue"], args=[sender, agent, time.time()])
        ok = status.decode() == "ok"
        if ok:
            name = display or DEFAULT_DISPLAY
            self.add_line(sender, "system", f"{name} hat das Gespräch übernommen.", agent=agent, name=name)
            self.publish({"type": "claimed", "sender": sender, "agent": agent, "name": name})
        return ok, holder.decode()

    def transfer(self, sender: str, agent: str, to: str, display: str = "") -> bool:
        """Hand a conversation from its owner `agent` to the colleague `to` in one step: it never goes back to the
        assistant or the queue, the citizen stays identified and reads only who writes now (`display`)."""
        ok: bool = self._transfer(keys=[f"ho:conv:{sender}"], args=[agent, to, time.time()]).decode() == "ok"
        if ok:
            name = display or DEFAULT_DISPLAY
            self.add_line(sender, "system", f"{name} hat das Gespräch übernommen.", agent=to, name=name)
            self.publish({"type": "claimed", "sender": sender, "agent": to, "name": name})
        return ok

    def to_team(self, sender: str, agent: str, team: str, team_name: str) -> bool:
        """Hand a conversation from its owner to a team (`team`: an office key): back in the queue for that team's
        agents, first among its priority (it waited already), never back to the assistant: the citizen stays
        identified and reads that the team takes over."""
        priority = (self.redis.hget(f"ho:conv:{sender}", "priority") or b"normal").decode()
        now = time.time()
        score = -PRIORITY.get(priority, 0) * 1e11  # before everyone of the same priority
        ok: bool = self._to_team(keys=[f"ho:conv:{sender}", "ho:queue"],
                                 args=[sender, agent, team, score, now]).decode() == "ok"
        if ok:
            self.add_line(sender, "system", f"Ihr Anliegen geht an das Team {team_name}. Eine Mitarbeiterin oder ein "
                                            f"Mitarbeiter schreibt Ihnen gleich hier.", agent=agent)
            self.publish({"type": "queued", "sender": sender, "priority": priority, "team": team})
        return ok

    def leave_queue(self, sender: str) -> None:
        """A caller hung up while waiting: out of the queue, the desks refresh."""
        self.redis.zrem("ho:queue", sender)
        self.redis.hset(f"ho:conv:{sender}", "state", "bot")
        self.publish({"type": "closed", "sender": sender, "agent": ""})

    def release(self, sender: str, agent: str, outcome: str = "", display: str = "") -> bool:
        ok: bool = self._release(keys=[f"ho:conv:{sender}", "ho:queue"],
                                 args=[sender, agent, "bot", outcome, time.time()]).decode() == "ok"
        if ok:
            from bot.identity.guard import forget

            forget(self.redis, sender)  # the citizen identifies again before anything case-specific
            name = display or DEFAULT_DISPLAY
            self.add_line(sender, "system", f"{name} hat das Gespräch an den Assistenten zurückgegeben.", agent=agent,
                          name=name)
            self.publish({"type": "released", "sender": sender, "agent": agent})
        return ok

    # ------------------------------------------------------------------ transcript
    def add_line(self, sender: str, role: str, text: str, agent: str = "", name: str = "") -> dict[str, Any]:
        """`agent`: the desk login (never shown to citizens); `name`: the display name citizens may read."""
        body = json.dumps({"ts": now_local().isoformat(timespec="seconds"), "role": role, "text": text,
                           "agent": agent, **({"name": name} if name else {})}, ensure_ascii=False)
        line: dict[str, Any] = json.loads(self._append(keys=[f"ho:transcript:{sender}", f"ho:seq:{sender}"],
                                                       args=[body, TRANSCRIPT_TTL]))
        return line

    def transcript(self, sender: str, after_id: int = 0) -> list[dict[str, Any]]:
        lines = [json.loads(raw) for raw in self.redis.lrange(f"ho:transcript:{sender}", 0, -1)]
        return [line for line in lines if line["id"] > after_id]

    # ------------------------------------------------------------------ privacy (bot/privacy/duties.py)
    def conversations_of(self, person: DataSubject) -> list[str]:
        """The person's linked conversations and those handed over with the person's number."""
        found = set(person.conversations)
        for key in self.redis.scan_iter("ho:conv:*", count=500):
            if decoded(self.redis.hget(key, "customer")) == person.customer:
                found.add(decoded(key).split(":", 2)[2])
        return sorted(found)

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"uebergaben": {s: [json.loads(x) for x in self.redis.lrange(f"ho:transcript:{s}", 0, -1)]
                               for s in self.conversations_of(person)}}

    def delete_for(self, person: DataSubject) -> int:
        """Deletes transcripts, handover state and queue entries; the number of conversations touched."""
        senders = self.conversations_of(person)
        pipe = self.redis.pipeline()
        for sender in senders:
            pipe.delete(f"ho:transcript:{sender}", f"ho:seq:{sender}", f"ho:conv:{sender}")
            pipe.zrem("ho:queue", sender)
        pipe.execute()
        return len(senders)

    # ------------------------------------------------------------------ presence and events
    def mark_present(self, agent: str) -> None:
        self.redis.set(f"ho:presence:{agent}", "1", ex=PRESENCE_TTL)

    def agents_online(self) -> list[str]:
        return sorted(key.decode().split(":", 2)[2] for key in self.redis.scan_iter("ho:presence:*"))

    def publish(self, event: dict[str, Any]) -> None:
        self.redis.publish(EVENTS, json.dumps(event, ensure_ascii=False))
