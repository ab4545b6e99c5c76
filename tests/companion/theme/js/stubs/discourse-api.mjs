// A stub of Discourse's plugin API: records what the theme asks of it.
export const calls = [];
export const state = { user: { username: "anna" }, initializers: [] };

class BaseCustomSidebarSection {
  get name() {
    throw new Error("not implemented");
  }
}
class BaseCustomSidebarSectionLink {
  get name() {
    throw new Error("not implemented");
  }
}

export const api = {
  getCurrentUser() {
    return state.user;
  },
  addSidebarSection(builder, panel = "main") {
    const SectionClass = builder(BaseCustomSidebarSection, BaseCustomSidebarSectionLink);
    calls.push({ call: "addSidebarSection", panel, section: new SectionClass() });
  },
  addGlobalNotice(text, id, options) {
    calls.push({ call: "addGlobalNotice", text, id, options });
  },
};

export function apiInitializer(version, callback) {
  state.initializers.push({ version, callback });
  return { name: "stub", initialize: () => callback(api) };
}
