// Pure helpers of the companion theme component: which links the sidebar shows and what the banner says.
// Kept free of Discourse imports so they can be tested with plain node.

export const LINKS = [
  { name: "companion-suggestions", path: "/suggestions", key: "suggestions", icon: "user-plus" },
  { name: "companion-circle", path: "/circles/", key: "circle", icon: "users" },
  { name: "companion-meetups", path: "/circles/#meetups", key: "meetups", icon: "calendar-days" },
  { name: "companion-badges", path: "/badges/", key: "badges", icon: "certificate" },
];

export function baseUrl(raw) {
  const url = String(raw || "").trim().replace(/\/+$/, "");
  // Only absolute http(s) addresses: a setting left at its placeholder adds nothing to the forum.
  return /^https?:\/\/[^/]+/.test(url) ? url : "";
}

export function sidebarLinks(companionUrl, translate) {
  const base = baseUrl(companionUrl);
  if (!base) {
    return [];
  }
  return LINKS.map((link) => ({
    name: link.name,
    href: base + link.path,
    text: translate(`companion.${link.key}`),
    title: translate(`companion.${link.key}`),
    icon: link.icon,
  }));
}

export function statusUrl(companionUrl) {
  const base = baseUrl(companionUrl);
  return base ? `${base}/api/forum/status.json` : "";
}

export function signupNotice(status, companionUrl, translate) {
  const base = baseUrl(companionUrl);
  const open = (status && Array.isArray(status.signups) ? status.signups : []).filter(
    (entry) => entry && entry.name && entry.url && entry.url.startsWith(base + "/")
  );
  if (!base || open.length === 0) {
    return null;
  }
  const first = open[0];
  return {
    id: `companion-signup-${first.id}`,
    text: translate("companion.signup_open", { name: first.name, closes: first.closes_on_display || first.closes_on }),
    linkText: translate("companion.signup_link"),
    href: first.url,
  };
}
