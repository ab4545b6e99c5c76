"""Transport behaviour of ForumClient: pacing, 429 shapes, retries, timeouts, redirects, bodies."""

from __future__ import annotations

import threading

import pytest
import requests
import responses

from sync.client import ForumClient, Redirect, RetryPolicy, rate_limit_wait_seconds
from sync.errors import (
    ForumAccessDenied,
    ForumNotFound,
    ForumRejected,
    ForumTimeout,
    ForumUnavailable,
    RateLimited,
    UnexpectedResponse,
)
from sync.pacer import Pacer
from tests.support.synckit import BASE_URL, FakeClock

JSON = "application/json; charset=utf-8"


def make_client(clock: FakeClock, **kwargs) -> ForumClient:
    return ForumClient(BASE_URL, "secret-key", "system", clock=clock, sleep=clock.sleep, **kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@responses.activate
def test_every_request_carries_auth_headers_and_a_timeout(clock):
    responses.get(f"{BASE_URL}/site/basic-info.json", json={"title": "Forum"})
    client = make_client(clock, timeout=(3, 7))
    assert client.get("/site/basic-info.json") == {"title": "Forum"}
    call = responses.calls[0]
    assert call.request.headers["Api-Key"] == "secret-key"
    assert call.request.headers["Api-Username"] == "system"
    assert call.request.req_kwargs["timeout"] == (3, 7)


def test_a_client_without_timeout_is_refused():
    with pytest.raises(ValueError):
        ForumClient(BASE_URL, "k", timeout=0)


@responses.activate
def test_json_429_waits_extras_wait_seconds_then_succeeds(clock):
    url = f"{BASE_URL}/latest.json"
    responses.get(
        url,
        status=429,
        json={"errors": ["Slow down"], "error_type": "rate_limit", "extras": {"wait_seconds": 7}},
        headers={"Retry-After": "99", "Discourse-Rate-Limit-Error-Code": "admin_api_key_rate_limit"},
    )
    responses.get(url, json={"topic_list": {"topics": []}})
    client = make_client(clock)
    assert client.get("/latest.json") == {"topic_list": {"topics": []}}
    assert client.rate_limited_count == 1
    assert client.requests_made == 2
    # The JSON body wins over the header; the pacer holds the next request back that long.
    assert sum(clock.sleeps) >= 7
    assert sum(clock.sleeps) < 99


@responses.activate
def test_plain_text_429_uses_retry_after(clock):
    url = f"{BASE_URL}/posts.json"
    responses.get(
        url,
        status=429,
        body="Too many requests",
        content_type="text/plain",
        headers={"Retry-After": "12", "Discourse-Rate-Limit-Error-Code": "ip_10_secs_limit"},
    )
    responses.get(url, json={"latest_posts": []})
    client = make_client(clock)
    assert client.get("/posts.json") == {"latest_posts": []}
    assert client.rate_limited_count == 1
    assert 12 <= sum(clock.sleeps) < 14


@responses.activate
def test_429_for_a_post_is_retried_because_nothing_happened(clock):
    url = f"{BASE_URL}/posts.json"
    responses.post(url, status=429, json={"errors": ["x"], "error_type": "rate_limit", "extras": {"wait_seconds": 1}})
    responses.post(url, json={"id": 5, "topic_id": 9})
    client = make_client(clock)
    assert client.post("/posts.json", {"raw": "hi"}) == {"id": 5, "topic_id": 9}
    assert len(responses.calls) == 2


@responses.activate
def test_endless_429_raises_rate_limited(clock):
    responses.get(f"{BASE_URL}/latest.json", status=429, body="nope", headers={"Retry-After": "2"})
    client = make_client(clock, retry=RetryPolicy(max_rate_limit_retries=3))
    with pytest.raises(RateLimited) as info:
        client.get("/latest.json")
    assert info.value.wait_seconds == 2
    assert len(responses.calls) == 4


@responses.activate
def test_429_asking_for_too_long_a_wait_is_not_slept_through(clock):
    responses.get(f"{BASE_URL}/latest.json", status=429, body="", headers={"Retry-After": "3600"})
    client = make_client(clock, retry=RetryPolicy(max_rate_limit_wait_seconds=300))
    with pytest.raises(RateLimited):
        client.get("/latest.json")
    assert len(responses.calls) == 1


@responses.activate
def test_5xx_then_success_backs_off_exponentially(clock):
    url = f"{BASE_URL}/groups.json"
    responses.get(url, status=502, body="<html>Bad gateway</html>", content_type="text/html")
    responses.get(url, status=503, body="")
    responses.get(url, json={"groups": []})
    client = make_client(clock, retry=RetryPolicy(max_attempts=4, backoff_seconds=0.5))
    assert client.get("/groups.json") == {"groups": []}
    assert [s for s in clock.sleeps if s in (0.5, 1.0)] == [0.5, 1.0]


@responses.activate
def test_persistent_5xx_gives_up_after_bounded_attempts(clock):
    responses.get(f"{BASE_URL}/groups.json", status=500, body="oops")
    client = make_client(clock, retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ForumUnavailable) as info:
        client.get("/groups.json")
    assert info.value.status == 500
    assert len(responses.calls) == 3


@responses.activate
def test_5xx_on_a_post_is_not_repeated_and_marked_ambiguous(clock):
    responses.post(f"{BASE_URL}/posts.json", status=500, body="oops")
    client = make_client(clock)
    with pytest.raises(ForumUnavailable) as info:
        client.post("/posts.json", {"raw": "x"})
    assert info.value.ambiguous is True
    assert len(responses.calls) == 1


@responses.activate
def test_read_timeout_is_retried_for_reads(clock):
    url = f"{BASE_URL}/site.json"
    responses.get(url, body=requests.exceptions.ReadTimeout("slow"))
    responses.get(url, json={"user_fields": []})
    client = make_client(clock)
    assert client.get("/site.json") == {"user_fields": []}
    assert len(responses.calls) == 2


@responses.activate
def test_read_timeout_on_a_post_raises_an_ambiguous_timeout(clock):
    responses.post(f"{BASE_URL}/posts.json", body=requests.exceptions.ReadTimeout("slow"))
    client = make_client(clock)
    with pytest.raises(ForumTimeout) as info:
        client.post("/posts.json", {"raw": "x"})
    assert info.value.ambiguous is True
    assert len(responses.calls) == 1


@responses.activate
def test_refused_connection_on_a_post_is_retried(clock):
    url = f"{BASE_URL}/posts.json"
    responses.post(url, body=requests.exceptions.ConnectionError("NewConnectionError: Connection refused"))
    responses.post(url, json={"id": 1, "topic_id": 2})
    client = make_client(clock)
    assert client.post("/posts.json", {"raw": "x"})["id"] == 1


@responses.activate
def test_a_redirect_is_an_error_unless_asked_for(clock):
    responses.get(f"{BASE_URL}/latest.json", status=302, headers={"Location": f"{BASE_URL}/login"})
    responses.get(f"{BASE_URL}/t/external_id/abc.json", status=301, headers={"Location": "/t/hello/42.json"})
    client = make_client(clock)
    with pytest.raises(UnexpectedResponse) as info:
        client.get("/latest.json")
    assert info.value.location == f"{BASE_URL}/login"
    answer = client.request("GET", "/t/external_id/abc.json", accept_redirect=True)
    assert answer == Redirect(status=301, location="/t/hello/42.json")


@responses.activate
def test_non_json_body_is_an_unexpected_response(clock):
    responses.get(f"{BASE_URL}/site.json", body="<html>Maintenance</html>", content_type="text/html")
    responses.get(f"{BASE_URL}/groups.json", body="{not json", content_type=JSON)
    client = make_client(clock)
    with pytest.raises(UnexpectedResponse):
        client.get("/site.json")
    with pytest.raises(UnexpectedResponse):
        client.get("/groups.json")


@responses.activate
def test_empty_success_body_is_none(clock):
    responses.put(f"{BASE_URL}/groups/3.json", body="", content_type="text/html")
    assert make_client(clock).put("/groups/3.json", {"group": {"name": "x"}}) is None


@responses.activate
def test_4xx_map_to_typed_rejections(clock):
    responses.get(f"{BASE_URL}/u/nobody.json", status=404, json={"errors": ["not found"], "error_type": "not_found"})
    responses.get(
        f"{BASE_URL}/admin/badges.json",
        status=403,
        json={"errors": ["You are not permitted to view the requested resource."], "error_type": "invalid_access"},
    )
    responses.post(
        f"{BASE_URL}/posts.json", status=422, json={"errors": ["Title is too short"], "action": "create_post"}
    )
    client = make_client(clock)
    with pytest.raises(ForumNotFound):
        client.get("/u/nobody.json")
    with pytest.raises(ForumAccessDenied) as denied:
        client.get("/admin/badges.json")
    assert denied.value.error_type == "invalid_access"
    with pytest.raises(ForumRejected) as rejected:
        client.post("/posts.json", {"raw": "x"})
    assert rejected.value.status == 422
    assert rejected.value.errors == ("Title is too short",)
    assert len(responses.calls) == 3


@responses.activate
def test_pydiscourse_calls_go_through_the_same_transport(clock):
    responses.get(f"{BASE_URL}/admin/badges.json", status=429, json={"extras": {"wait_seconds": 1}})
    responses.get(f"{BASE_URL}/admin/badges.json", json={"badges": []})
    client = make_client(clock)
    assert client.api.badges() == {"badges": []}
    assert client.rate_limited_count == 1
    assert all(c.request.req_kwargs["timeout"] for c in responses.calls)


def test_retry_after_http_date_is_understood():
    response = requests.Response()
    response.status_code = 429
    response._content = b"slow down"
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert rate_limit_wait_seconds(response) == 0.0
    response.headers["Retry-After"] = "bogus"
    assert rate_limit_wait_seconds(response, default=10) == 10


def _max_in_window(times: list[float], window: float) -> int:
    best = 0
    start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize("budget,headroom", [(60, 0.8), (60, 1.0), (600, 0.8), (10, 0.5)])
def test_pacer_never_exceeds_the_budget_in_any_minute(budget, headroom):
    clock = FakeClock()
    pacer = Pacer(budget, headroom=headroom, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(budget * 5):
        pacer.acquire()
        times.append(clock.now)
    assert _max_in_window(times, 60.0) <= budget
    # Over a long run the pace approaches the configured share of the budget.
    minutes = (times[-1] - times[0]) / 60.0
    assert (len(times) - pacer.burst) / minutes == pytest.approx(budget * headroom, rel=0.05)
    assert pacer.requests_made == budget * 5


def test_pacer_holds_everyone_back_after_a_429():
    clock = FakeClock()
    pacer = Pacer(60, clock=clock, sleep=clock.sleep)
    pacer.note_rate_limited(30)
    waited = pacer.acquire()
    assert waited >= 30
    assert pacer.rate_limited_count == 1


def test_pacer_with_zero_budget_is_unlimited():
    clock = FakeClock()
    pacer = Pacer(0, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        pacer.acquire()
    assert clock.sleeps == []
    assert pacer.requests_made == 1000


def test_pacer_is_thread_safe():
    lock = threading.Lock()
    clock = FakeClock()

    def sleep(seconds: float) -> None:
        with lock:
            clock.sleep(seconds)

    pacer = Pacer(60, clock=clock, sleep=sleep)
    threads = [threading.Thread(target=lambda: [pacer.acquire() for _ in range(50)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pacer.requests_made == 200
    # Reservations are serialised: total waiting is what 200 requests at 48/min need, minus the burst.
    assert pacer.waited_seconds >= (200 - pacer.burst) / 0.8 - 1
