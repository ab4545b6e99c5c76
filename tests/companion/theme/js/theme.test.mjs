// The forum theme component, run with node against a stub of Discourse's plugin API.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { api, calls, state } from "./stubs/discourse-api.mjs";

const COMPONENT = new URL("../../../../companion/theme/component/javascripts/discourse/", import.meta.url);
const { sidebarLinks, signupNotice, baseUrl } = await import(new URL("lib/companion-links.js", COMPONENT));
const initializer = (await import(new URL("api-initializers/companion.js", COMPONENT))).default;

const COMPANION = "https://companion.example.org";

function setUp({ url = COMPANION, banner = true, user = { username: "anna" }, status = { signups: [] } } = {}) {
  calls.length = 0;
  state.user = user;
  globalThis.settings = { companion_url: url, show_signup_banner: banner };
  globalThis.themePrefix = (key) => `theme_translations.7.${key}`;
  globalThis.fetched = [];
  globalThis.fetch = async (target, options) => {
    globalThis.fetched.push({ target, options });
    return { ok: true, json: async () => status };
  };
  globalThis.document = {
    createElement: () => ({
      set href(value) {
        this._href = value;
      },
      set textContent(value) {
        this._text = value;
      },
      get outerHTML() {
        return `<a href="${this._href}">${this._text}</a>`;
      },
    }),
  };
}

beforeEach(() => setUp());

test("the sidebar section links to the member's companion pages", async () => {
  await initializer.initialize();
  const section = calls.find((c) => c.call === "addSidebarSection");
  assert.ok(section, "a sidebar section is added");
  assert.equal(section.panel, "main");
  assert.equal(section.section.name, "companion");
  assert.equal(section.section.text, "theme_translations.7.companion.section");
  const hrefs = section.section.links.map((link) => link.href);
  assert.deepEqual(hrefs, [
    `${COMPANION}/suggestions`,
    `${COMPANION}/circles/`,
    `${COMPANION}/circles/#meetups`,
    `${COMPANION}/badges/`,
  ]);
  for (const link of section.section.links) {
    assert.match(link.name, /^companion-[a-z-]+$/, "link names are dasherized");
    assert.ok(link.text.startsWith("theme_translations.7.companion."));
    assert.equal(link.prefixType, "icon");
  }
});

test("nothing is added for anonymous visitors or without a companion address", async () => {
  setUp({ user: null });
  await initializer.initialize();
  assert.equal(calls.length, 0);
  setUp({ url: "__COMPANION_URL__" });
  await initializer.initialize();
  assert.equal(calls.length, 0);
  assert.equal(baseUrl("javascript:alert(1)"), "");
});

test("an open sign-up shows one dismissable notice linking to the companion", async () => {
  setUp({
    status: {
      signups: [
        { id: 3, name: "Frühjahr 2027", closes_on: "2027-01-31", closes_on_display: "31.01.2027", url: `${COMPANION}/circles/seasons/3/signup` },
      ],
    },
  });
  await initializer.initialize();
  assert.equal(globalThis.fetched[0].target, `${COMPANION}/api/forum/status.json`);
  assert.equal(globalThis.fetched[0].options.credentials, "omit");
  const notice = calls.find((c) => c.call === "addGlobalNotice");
  assert.ok(notice, "a notice is shown");
  assert.equal(notice.id, "companion-signup-3");
  assert.ok(notice.text.includes("Frühjahr 2027") && notice.text.includes("31.01.2027"));
  assert.ok(notice.options.html.includes(`href="${COMPANION}/circles/seasons/3/signup"`));
  assert.equal(notice.options.dismissable, true);
});

test("no notice without an open sign-up, with the banner off, or for links to other hosts", async () => {
  await initializer.initialize();
  assert.equal(calls.filter((c) => c.call === "addGlobalNotice").length, 0);
  setUp({ banner: false, status: { signups: [{ id: 1, name: "x", url: `${COMPANION}/circles/seasons/1/signup` }] } });
  await initializer.initialize();
  assert.equal(globalThis.fetched.length, 0);
  const foreign = { signups: [{ id: 1, name: "x", url: "https://evil.example/phish" }] };
  assert.equal(signupNotice(foreign, COMPANION, (k) => k), null);
});

test("an unreachable companion never breaks the forum", async () => {
  setUp();
  globalThis.fetch = async () => {
    throw new Error("connection refused");
  };
  await initializer.initialize();
  assert.equal(calls.filter((c) => c.call === "addGlobalNotice").length, 0);
  assert.equal(sidebarLinks("", (k) => k).length, 0);
});
