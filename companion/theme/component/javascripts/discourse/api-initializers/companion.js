// Entry points into the companion from the forum: a sidebar section with the member's companion pages,
// and a notice while a circle sign-up is open. Uses only the public plugin API (api.addSidebarSection,
// api.addGlobalNotice), so it runs on an unmodified Discourse.
import { apiInitializer } from "discourse/lib/api";
import { i18n } from "discourse-i18n";
import { signupNotice, sidebarLinks, statusUrl } from "../lib/companion-links";

export default apiInitializer("1.8.0", (api) => {
  const translate = (key, options) => i18n(themePrefix(key), options);
  const links = sidebarLinks(settings.companion_url, translate);
  if (!api.getCurrentUser() || links.length === 0) {
    return;
  }

  api.addSidebarSection((BaseCustomSidebarSection, BaseCustomSidebarSectionLink) => {
    const linkClasses = links.map(
      (link) =>
        class extends BaseCustomSidebarSectionLink {
          name = link.name;
          href = link.href;
          title = link.title;
          text = link.text;
          prefixType = "icon";
          prefixValue = link.icon;
        }
    );
    return class extends BaseCustomSidebarSection {
      name = "companion";
      text = translate("companion.section");
      title = translate("companion.section_title");
      links = linkClasses.map((LinkClass) => new LinkClass());
    };
  });

  const url = statusUrl(settings.companion_url);
  if (!settings.show_signup_banner || !url) {
    return;
  }
  // The status is public and holds no personal data; credentials stay with the forum.
  return fetch(url, { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : null))
    .then((status) => {
      const notice = signupNotice(status, settings.companion_url, translate);
      if (notice) {
        const link = document.createElement("a");
        link.href = notice.href;
        link.textContent = notice.linkText;
        const html = `<span class="companion-signup-notice">${link.outerHTML}</span>`;
        api.addGlobalNotice(notice.text, notice.id, { html, dismissable: true, level: "info" });
      }
    })
    .catch(() => {
      // The companion being unreachable must never break the forum.
    });
});
