// Roster's console inside another page. Load this module from the folder of the built console
// (any origin; the files must be served with CORS if it is not the page's) and either use the
// element:
//
//   <script type="module" src="https://cdn.example.com/roster/roster-embed.js"></script>
//   <roster-console api-base-url="https://roster.example.com" base-path="/admin/roster"
//                   theme="auto"></roster-console>
//
// or mount it yourself:
//
//   import { mount } from 'https://cdn.example.com/roster/roster-embed.js';
//   const consoleHandle = await mount(document.querySelector('#roster'), {
//     apiBaseUrl: 'https://roster.example.com', basePath: '/admin/roster', theme: 'dark' });
//   consoleHandle.unmount();
//
// The element renders into its own shadow root, so the host page's styles and the console's
// cannot reach each other; theme it by setting `--roster-*` custom properties on the element.
// The options are those of config.json (apiBaseUrl, basePath, signInMode, theme). The console's
// routes live under basePath (default: the page's path when it mounts); the host must answer
// its page for the paths below it, so deep links and reloads work.

const here = new URL('./', import.meta.url);
let loading = null;

/**
 * Loads the console's wasm once, from this file's folder, and resolves to its bindings. The
 * hashed file names are read from the folder's index.html, where Trunk wrote them.
 */
export function load() {
  loading ??= (async () => {
    const response = await fetch(new URL('index.html', here), { cache: 'no-cache' });
    if (!response.ok) throw new Error(`Roster: ${response.url} answered ${response.status}`);
    const html = new DOMParser().parseFromString(await response.text(), 'text/html');
    const script = html.querySelector('script[data-roster-js][data-roster-wasm]');
    if (!script) throw new Error(`Roster: ${response.url} is not the built console's index.html`);
    const wasm = fetch(new URL(script.dataset.rosterWasm, here));
    const bindings = await import(new URL(script.dataset.rosterJs, here).href);
    await bindings.default({ module_or_path: wasm });
    return bindings;
  })();
  loading.catch(() => { loading = null; });
  return loading;
}

/**
 * Mounts the console into `element` and resolves to a handle with `unmount()`. Wrong options
 * are shown inside the element, naming the setting.
 */
export async function mount(element, options = {}) {
  const bindings = await load();
  return bindings.mount(element, options);
}

const ATTRIBUTES = {
  'api-base-url': 'apiBaseUrl',
  'base-path': 'basePath',
  'sign-in-mode': 'signInMode',
  theme: 'theme',
};

/** `<roster-console>`: the console in a shadow root, configured by attributes. */
class RosterConsoleElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  #handle = null;
  #generation = 0;

  connectedCallback() {
    this.#render();
  }

  disconnectedCallback() {
    this.#generation += 1;
    this.#handle?.unmount();
    this.#handle = null;
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#render();
  }

  async #render() {
    const generation = ++this.#generation;
    const options = {};
    for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
      if (this.hasAttribute(attribute)) options[key] = this.getAttribute(attribute);
    }
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    let bindings;
    try {
      bindings = await load();
    } catch (error) {
      if (generation !== this.#generation) return;
      const message = document.createElement('p');
      message.setAttribute('role', 'alert');
      message.textContent = `The Roster console could not be loaded: ${error.message}`;
      shadow.replaceChildren(message);
      throw error;
    }
    // Attributes changed or the element left the page while the wasm loaded.
    if (generation !== this.#generation) return;
    this.#handle?.unmount();
    const container = document.createElement('div');
    shadow.replaceChildren(container);
    this.#handle = bindings.mount(container, options);
    this.dispatchEvent(new CustomEvent('roster-mounted'));
  }
}

if (!customElements.get('roster-console')) {
  customElements.define('roster-console', RosterConsoleElement);
}
