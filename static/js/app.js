// SEND Information, Advice and Support – page script.
//
// Loaded from base.html as <script type="module" src="…/js/app.js">. The
// Content-Security-Policy allows no inline script or style, so everything the
// usual GOV.UK inline snippet does happens here, and this file never sets
// element.style: it only toggles classes defined in static/css/app.css.

const body = document.body

// 1. GOV.UK Frontend support classes -----------------------------------------
// Any browser that runs a module script supports GOV.UK Frontend's JavaScript,
// so both classes can be added unconditionally.
body.classList.add('js-enabled', 'govuk-frontend-supported')

// 2. Idle lock ---------------------------------------------------------------
// <body data-idle-seconds="N"> is only present for signed-in users. After N
// seconds without keyboard, mouse, touch or scroll activity the hidden form
// #idle-lock-form (POST to the logout URL with reason=idle) is submitted, so
// the confidential content leaves the screen. Activity is shared between tabs
// of the same browser (localStorage), so working in one tab keeps the others
// open too.
//
// Optional keep-alive: if <body> also has data-keepalive-url, activity is
// reported to the server with a POST (CSRF token taken from the idle-lock
// form) at most once a minute, so the server-side idle timeout does not end
// the session of someone who is typing a long note without sending requests.
// If the server answers that the session is gone, the page is locked.
const ACTIVITY_EVENTS = ['keydown', 'mousedown', 'touchstart', 'scroll']
const STORAGE_KEY = 'siass:last-activity'
const STORAGE_WRITE_INTERVAL_MS = 5000
const KEEPALIVE_INTERVAL_MS = 60000

function startIdleLock () {
  const idleSeconds = Number.parseInt(body.dataset.idleSeconds ?? '', 10)
  const form = document.getElementById('idle-lock-form')
  if (!Number.isFinite(idleSeconds) || idleSeconds <= 0 || !(form instanceof HTMLFormElement)) {
    return
  }

  const idleMs = idleSeconds * 1000
  const keepaliveUrl = body.dataset.keepaliveUrl
  const keepaliveMs = Math.min(KEEPALIVE_INTERVAL_MS, idleMs / 2)
  let lastActivity = Date.now()
  let lastKeepalive = lastActivity // loading this page was a request
  let lastStorageWrite = 0
  let timer = null
  let locked = false

  const lock = () => {
    if (locked) return
    locked = true
    window.clearTimeout(timer)
    // Hide the page at once (CSS class, not an inline style) in case the
    // network is slow or down, then sign out.
    body.classList.add('app-idle-locked')
    form.submit()
  }

  // Schedule a check for when the idle period would end. Checking elapsed
  // wall-clock time (rather than trusting one long timeout) means a laptop
  // woken from sleep locks straight away.
  const schedule = () => {
    window.clearTimeout(timer)
    const remaining = lastActivity + idleMs - Date.now()
    if (remaining <= 0) {
      lock()
    } else {
      timer = window.setTimeout(schedule, Math.min(remaining, 60000))
    }
  }

  const keepalive = () => {
    if (!keepaliveUrl || lastActivity - lastKeepalive < keepaliveMs) return
    lastKeepalive = lastActivity
    const token = form.elements.namedItem('csrfmiddlewaretoken')
    window.fetch(keepaliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
      headers: token instanceof HTMLInputElement ? { 'X-CSRFToken': token.value } : {}
    }).then((response) => {
      // Redirected (to sign in) or refused: the server has ended the session.
      if (response.type === 'opaqueredirect' || response.status === 401 || response.status === 403) {
        lock()
      }
    }).catch(() => {
      // Network trouble: the local timer still locks the screen.
    })
  }

  const recordActivity = () => {
    if (locked) return
    lastActivity = Date.now()
    keepalive()
    if (lastActivity - lastStorageWrite > STORAGE_WRITE_INTERVAL_MS) {
      lastStorageWrite = lastActivity
      try {
        window.localStorage.setItem(STORAGE_KEY, String(lastActivity))
      } catch {
        // Storage unavailable (private mode, disabled): per-tab only.
      }
    }
    schedule()
  }

  for (const type of ACTIVITY_EVENTS) {
    // capture: scroll events from scrollable elements do not bubble.
    window.addEventListener(type, recordActivity, { capture: true, passive: true })
  }

  // Activity in another tab of this browser.
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY || locked) return
    const other = Number.parseInt(event.newValue ?? '', 10)
    if (Number.isFinite(other) && other > lastActivity) {
      lastActivity = Math.min(other, Date.now())
      schedule()
    }
  })

  // Re-check as soon as the tab becomes visible again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') schedule()
  })

  schedule()
}

startIdleLock()

// A signed-in page restored from the back/forward cache (e.g. Back after
// signing out) is reloaded so the server decides what may be shown.
window.addEventListener('pageshow', (event) => {
  if (event.persisted && 'idleSeconds' in body.dataset) {
    window.location.reload()
  }
})

// 3. Idempotency keys -----------------------------------------------------------
// Every POST form carries a random key, new on each page load and after each
// htmx request, so the server acts on a form once however often it is sent
// (double clicks, a resend after a slow network). See pps/security/idempotency.py.
const IDEMPOTENCY_FIELD = 'idempotency_key'

function newIdempotencyKey () {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID()
  }
  const bytes = new Uint8Array(16)
  window.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function giveIdempotencyKey (form) {
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return
  let input = form.querySelector(`input[name="${IDEMPOTENCY_FIELD}"]`)
  if (!(input instanceof HTMLInputElement)) {
    input = document.createElement('input')
    input.type = 'hidden'
    input.name = IDEMPOTENCY_FIELD
    form.append(input)
  }
  input.value = newIdempotencyKey()
}

document.querySelectorAll('form').forEach(giveIdempotencyKey)
document.addEventListener('htmx:load', (event) => {
  const root = event.target
  if (root instanceof Element) root.querySelectorAll('form').forEach(giveIdempotencyKey)
})
document.addEventListener('htmx:configRequest', (event) => {
  // Only a form's own submission is a write to act on once; requests sent while
  // typing (search as you type) come from fields and must each be answered.
  if (!(event.detail.elt instanceof HTMLFormElement)) {
    delete event.detail.parameters[IDEMPOTENCY_FIELD]
  }
})
document.addEventListener('htmx:afterRequest', (event) => {
  const source = event.target
  const form = source instanceof HTMLFormElement ? source : source?.closest?.('form')
  if (form) giveIdempotencyKey(form)
})

// 4. GOV.UK Frontend components ------------------------------------------------
// Dynamic import so that a failure to load it can never disable the idle lock.
// Relative to this file: /static/js/app.js -> /static/govuk/govuk-frontend.min.js
import('../govuk/govuk-frontend.min.js')
  .then(({ initAll }) => initAll())
  .catch((error) => console.error('GOV.UK Frontend failed to initialise', error))

// 5. Select all / none ---------------------------------------------------------
// A button with data-select-items="<form id>" and data-select="all" or "none"
// ticks (or clears) every checkbox of that form in place. Without JavaScript the
// button submits its own GET form and the server renders the page again with
// the boxes ticked, so the choice works either way.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-select-items]') : null
  if (!(button instanceof HTMLButtonElement)) return
  const form = document.getElementById(button.dataset.selectItems ?? '')
  if (!(form instanceof HTMLFormElement)) return
  event.preventDefault()
  const checked = button.dataset.select === 'all'
  for (const box of form.querySelectorAll('input[type="checkbox"]')) {
    if (box instanceof HTMLInputElement && !box.disabled) box.checked = checked
  }
})
