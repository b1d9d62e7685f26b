// Keyboard shortcuts for the helpline, loaded on every signed-in page.
//
// Any link carrying aria-keyshortcuts (e.g. "Alt+Shift+N" on the "New contact"
// link in the header) is followed when that combination is pressed, so staff
// can start logging a call from wherever they are. The attribute also tells
// assistive technology about the shortcut. Modifiers are matched exactly and
// the key by its physical position (event.code), so Alt+Shift+N works whatever
// character the layout produces with those modifiers held.

const MODIFIERS = ['Alt', 'Control', 'Meta', 'Shift']

function parseShortcut (text) {
  const parts = text.split('+').map((part) => part.trim())
  const key = parts.pop() ?? ''
  const wanted = new Set(parts.map((part) => (part === 'Ctrl' ? 'Control' : part)))
  if (!/^[A-Z0-9]$/i.test(key)) return null
  const code = /\d/.test(key) ? `Digit${key}` : `Key${key.toUpperCase()}`
  return { code, wanted }
}

function matches (event, shortcut) {
  if (event.code !== shortcut.code) return false
  return MODIFIERS.every((name) => event.getModifierState(name) === shortcut.wanted.has(name))
}

const shortcuts = []
for (const link of document.querySelectorAll('a[aria-keyshortcuts]')) {
  for (const text of link.getAttribute('aria-keyshortcuts').split(' ')) {
    const shortcut = parseShortcut(text)
    if (shortcut) shortcuts.push({ shortcut, link })
  }
}

if (shortcuts.length > 0) {
  document.addEventListener('keydown', (event) => {
    if (event.repeat || event.defaultPrevented) return
    const found = shortcuts.find(({ shortcut }) => matches(event, shortcut))
    if (!found) return
    event.preventDefault()
    found.link.click()
  })
}
