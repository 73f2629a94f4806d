// The idle-session warning (WCAG 2.2.1 Timing Adjustable): shown before the server ends an
// idle session, with a button that keeps it. Without JavaScript the session still ends on the
// server; this only warns. No inline script: settings come from data attributes.
(function () {
  'use strict'
  const box = document.getElementById('session-timeout')
  if (!box) return
  const idle = Number(box.dataset.idleSeconds) * 1000
  const warning = Number(box.dataset.warningSeconds) * 1000
  const form = box.querySelector('form')
  let warnTimer = null
  let endTimer = null

  function schedule () {
    window.clearTimeout(warnTimer)
    window.clearTimeout(endTimer)
    warnTimer = window.setTimeout(show, Math.max(idle - warning, 0))
    endTimer = window.setTimeout(function () {
      window.location.assign(box.dataset.loginUrl + '?next=' + encodeURIComponent(window.location.pathname))
    }, idle + 1000)
  }

  function show () {
    box.hidden = false
    const button = box.querySelector('button')
    if (button) button.focus()
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault()
    fetch(form.action, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then(function (response) {
        if (response.ok) {
          box.hidden = true
          schedule()
        } else {
          window.location.reload()
        }
      })
  })
  schedule()
})()
