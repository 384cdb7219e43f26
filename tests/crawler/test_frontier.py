"""The shared frontier's parts: the tick lease, the settings of a worker, URLs in logs."""

from __future__ import annotations

import pytest
import redis
from scrapy.exceptions import UsageError
from scrapy.settings import Settings
from wirearchive.crawler.frontier import (
    check_url,
    configure,
    join_tick,
    redacted,
    renew_tick,
)


def test_the_first_worker_leads_a_tick_the_others_join_it(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    key = "wirearchive:fixture:tick"
    first = join_tick(client, key, 30)
    second = join_tick(client, key, 30)
    assert first.leader
    assert not second.leader
    assert second.id == first.id
    assert 0 < client.ttl(key) <= 30
    assert renew_tick(client, key, first.id, 60)
    assert 30 < client.ttl(key) <= 60
    assert not renew_tick(client, key, "another-tick", 60)  # never extends another's lease
    client.delete(key)  # the lease lapsed: the next worker begins a new tick
    assert not renew_tick(client, key, first.id, 60)
    third = join_tick(client, key, 30)
    assert third.leader
    assert third.id != first.id
    client.close()


def test_a_worker_gets_scrapy_redis_with_json_and_bounded_concurrency() -> None:
    settings = Settings()
    settings.setmodule("wirearchive.crawler.settings", priority="project")
    settings.set("WIREARCHIVE_SOURCE", "fixture", priority="cmdline")
    settings.set("WIREARCHIVE_REDIS_URL", "redis://127.0.0.1:6379/0", priority="cmdline")
    settings.set("SCHEDULER_PERSIST", False, priority="cmdline")  # would empty the queue
    configure(settings)
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings["SCHEDULER_SERIALIZER"] == "wirearchive.crawler.requestjson"
    assert settings["SCHEDULER_QUEUE_KEY"] == "wirearchive:fixture:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "wirearchive:fixture:dupefilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    # A worker holds no more requests than it fetches at once from the one site.
    assert settings.getint("CONCURRENT_REQUESTS") == settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN"
    )
    explicit = Settings()
    explicit.setmodule("wirearchive.crawler.settings", priority="project")
    explicit.set("WIREARCHIVE_SOURCE", "fixture", priority="cmdline")
    explicit.set("WIREARCHIVE_REDIS_URL", "redis://127.0.0.1:6379/0", priority="cmdline")
    explicit.set("CONCURRENT_REQUESTS", 32, priority="cmdline")  # the operator's choice
    configure(explicit)
    assert explicit.getint("CONCURRENT_REQUESTS") == 32


def test_a_worker_without_a_source_or_with_a_bad_url_is_refused() -> None:
    settings = Settings({"WIREARCHIVE_REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.raises(UsageError, match="WIREARCHIVE_SOURCE=NAME"):
        configure(settings)
    with pytest.raises(UsageError, match=r"--redis='localhost:6379': not a Redis URL"):
        check_url("localhost:6379", "--redis")


def test_passwords_stay_out_of_logs_and_manifests() -> None:
    assert redacted("redis://user:pw@host:6380/1") == "redis://user:***@host:6380/1"
    assert redacted("redis://:pw@host/0") == "redis://:***@host/0"
    assert redacted("redis://host:6379/0") == "redis://host:6379/0"
