/*
 * q3tts UI library (plain JS, no build step). Loaded in <head> by the shell, so plugin pages can
 * call it from inline scripts. Everything goes through the public REST and WebSocket API, on the
 * server named by <meta name="q3tts-api"> (remote mode) or else the one that served the page: build
 * every API, audio and download URL with Q3.url(path) and every socket with Q3.wsUrl(path)
 * (Q3.api does it itself).
 */
(function () {
  'use strict';

  const MAX_TEXT = 4096;
  const MAX_INSTRUCT = 2000;
  const MAX_NEW_TOKENS = 8192;
  const FORMATS = ['wav', 'flac', 'mp3', 'opus'];

  // ---- which server ------------------------------------------------------------------------------

  /** The API server's origin in remote mode ('http(s)://host[:port]'), '' when it is the page's own. */
  const API_BASE = (() => {
    const meta = document.querySelector('meta[name="q3tts-api"]');
    return meta && meta.content ? meta.content.trim().replace(/\/+$/, '') : '';
  })();

  /*
   * API keys (auth.api_keys, docs/security.md). On its own server the page is signed in by a session
   * cookie (the server's sign-in page sets it), which fetches, audio elements and sockets carry by
   * themselves. A remote API server (remote mode) gets no cookie from this page, so its key is kept in
   * this browser's localStorage, asked for on the first 401, and sent as 'Authorization: Bearer' on
   * fetches and as the access_token parameter on URLs that cannot carry a header (audio, downloads,
   * sockets, event streams).
   */
  const KEY_STORE = 'q3tts-api-key:' + (API_BASE || location.origin);

  function apiKey() {
    if (!API_BASE) return null;
    try { return localStorage.getItem(KEY_STORE); } catch (e) { return null; }
  }

  function withKey(u) {
    const key = apiKey();
    if (!key) return u;
    return u + (u.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(key);
  }

  /** Asks for the remote server's key after a 401; returns whether one was entered. */
  function askForKey() {
    const key = window.prompt('The q3tts server at ' + API_BASE + ' needs an API key:');
    if (!key || !key.trim()) return false;
    try { localStorage.setItem(KEY_STORE, key.trim()); } catch (e) { return false; }
    return true;
  }

  /** An API path ('/api/v1/...', '/plugins/...') as a URL on the API server; absolute, data: and blob: URLs pass through. */
  function url(path) {
    if (path === null || path === undefined || path === '') return path;
    const p = String(path);
    if (/^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('//')) return p;
    return withKey(API_BASE + (p.startsWith('/') ? p : '/' + p));
  }

  /** A WebSocket URL on the API server: ws:// for http, wss:// for https. */
  function wsUrl(path) {
    return withKey((API_BASE || location.origin).replace(/^http/, 'ws') + (path.startsWith('/') ? path : '/' + path));
  }

  /** The API server as people read it. */
  function serverName() {
    return API_BASE || location.origin;
  }

  /** Shows or hides the banner that says the API server does not answer. */
  function offline(down, detail) {
    const banner = document.getElementById('q3-offline');
    const badge = document.getElementById('q3-server');
    if (badge) badge.classList.toggle('down', !!down);
    if (!banner) return;
    if (!down) { banner.hidden = true; return; }
    banner.textContent = 'Cannot reach the q3tts server at ' + serverName() + (detail ? ' (' + detail + ')' : '') + '. '
      + (API_BASE ? 'Check that it is running and that its http.cors_origins lists ' + location.origin + '.'
        : 'Check that it is still running.');
    banner.hidden = false;
  }

  /** An API error: the JSON body's error, error_type and field. */
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.errorType = (body && (body.error_type || body.errorType)) || 'INTERNAL';
      this.field = (body && body.field) || null;
    }
  }

  /** Fetches JSON (or nothing for 204); a non-2xx answer throws an ApiError. body: object (JSON) or FormData. */
  async function api(method, path, body, retried) {
    const init = { method: method, headers: { Accept: 'application/json' } };
    if (apiKey()) init.headers.Authorization = 'Bearer ' + apiKey();
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(url(path), init);
    } catch (e) {
      // A network failure, or a cross-origin answer the browser refused to show (missing CORS headers).
      offline(true, e.message);
      throw new ApiError(0, { error: 'Cannot reach the q3tts server at ' + serverName() + '.', errorType: 'UNAVAILABLE' });
    }
    offline(false);
    if (res.status === 401 && !retried) {
      // Own server: the session ended (a restart); its sign-in page comes back with a reload.
      if (!API_BASE) { location.reload(); }
      else if (askForKey()) { return api(method, path, body, true); }
    }
    if (res.status === 204) {
      return null;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { error: text }; }
    if (!res.ok) {
      throw new ApiError(res.status, json);
    }
    return json;
  }

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of [].concat(children || [])) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  // ---- field errors -------------------------------------------------------------------------

  let uidCounter = 0;
  /** A page-unique element id. */
  function uid(prefix) {
    uidCounter++;
    return (prefix || 'q3') + '-' + uidCounter;
  }

  /** API field names as people read them on the pages (the API keeps its names in the JSON). */
  const FIELD_WORDS = {
    input: 'the text', text: 'the text', instructions: 'the description', instruct: 'the style',
    ref_text: 'the transcript', ref_audio: 'the reference clip', audio_sample: 'the reference clip',
    x_vector_only_mode: '“Speaker embedding only”', voice: 'the voice', voices: 'the voices', narrator: 'the narrator',
    name: 'the name', language: 'the language', model: 'the model', clone_model: 'the clone model',
    design_model: 'the design model', custom_voice_model: 'the CustomVoice model', seed: 'the seed',
    max_new_tokens: 'Max frames', temperature: 'Temperature', top_k: 'Top-k', top_p: 'Top-p',
    repetition_penalty: 'Repetition penalty', subtalker_temperature: 'Code predictor temperature',
    subtalker_top_k: 'Code predictor top-k', subtalker_top_p: 'Code predictor top-p', do_sample: 'Sampling',
    script: 'the script', subtitles: 'the subtitle file', max_speedup: 'Max speed-up', target_lufs: 'the loudness target',
    codes: 'the codes', audio: 'the audio file', response_format: 'the format', sample_rate: 'the sample rate',
    design_sample_text: 'the sample text', same_speaker_gap: 'the same-speaker gap', gap: 'the gap',
    gap_seconds: 'the preview gap', retries: 'Retries per line', characters: 'the characters', job_id: 'the job',
    output_id: 'the output', voice_id: 'the voice', speed: 'the speed',
  };

  /**
   * An API message in words: field names (ref_text, x_vector_only_mode, ...) become what the page
   * calls them, and the sentence starts with a capital.
   */
  function human(message) {
    let m = String(message === null || message === undefined ? '' : message);
    m = m.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, w => FIELD_WORDS[w] || w.replace(/_/g, ' '));
    m = m.replace(/^(input|text|instructions|voice|voices|narrator|name|language|model|seed|script|subtitles|codes|audio)\b/,
      w => FIELD_WORDS[w] || w);
    return m.charAt(0).toUpperCase() + m.slice(1);
  }

  function errorSlot(form, field) {
    return form.querySelector('[data-error-for="' + (field || '') + '"]')
      || form.querySelector('[data-error-for=""]');
  }

  /** The control an API field names: its named input, else the first control of a voices table or picker. */
  function fieldControl(form, field) {
    if (!field) return null;
    const named = form.querySelector('[name="' + field + '"]');
    if (named) return named;
    const group = form.querySelector('[data-field="' + field + '"]');
    return group ? group.querySelector('input, select, textarea') : null;
  }

  function describedBy(input, id, on) {
    const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(x => x && x !== id);
    if (on) ids.push(id);
    if (ids.length) input.setAttribute('aria-describedby', ids.join(' ')); else input.removeAttribute('aria-describedby');
  }

  function clearErrors(form) {
    form.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('.invalid').forEach(e => {
      e.classList.remove('invalid');
      e.removeAttribute('aria-invalid');
      (e.dataset.errorIds || '').split(' ').filter(Boolean).forEach(id => describedBy(e, id, false));
      delete e.dataset.errorIds;
    });
  }

  /**
   * Shows an error next to its field (the API's field name), or in the form's general slot, in
   * words; the field is marked invalid and described by the message for screen readers.
   * @return the control that is in error, or null
   */
  function showError(form, field, message) {
    const text = human(message);
    const slot = errorSlot(form, field);
    const input = fieldControl(form, field);
    if (slot) {
      slot.textContent = text;
      if (!slot.id) slot.id = uid('error');
    }
    if (input) {
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      if (slot) {
        describedBy(input, slot.id, true);
        input.dataset.errorIds = ((input.dataset.errorIds || '') + ' ' + slot.id).trim();
      }
      const details = input.closest('details');
      if (details) details.open = true;
    }
    if (!slot) alert(text);
    return input;
  }

  /** Shows every [field, message] pair and moves the focus to the first field in error. */
  function showErrors(form, errors) {
    let first = null;
    errors.forEach(([f, m]) => {
      const c = showError(form, f, m) || errorSlot(form, f);
      // The first on the page, not the first found: people read the form top down.
      if (c && (!first || (c.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING))) first = c;
    });
    if (first) {
      if (!first.matches('input, select, textarea, button')) first.setAttribute('tabindex', '-1');
      first.focus();
    }
  }

  // ---- models ---------------------------------------------------------------------------------

  let modelsPromise = null;
  function models() {
    if (!modelsPromise) {
      modelsPromise = api('GET', '/api/v1/models').then(j => j.models || []).catch(e => { modelsPromise = null; throw e; });
    }
    return modelsPromise;
  }

  const LANGUAGES = ['auto', 'chinese', 'english', 'japanese', 'korean', 'german', 'french', 'russian',
    'portuguese', 'spanish', 'italian'];

  /** Fills a model <select> with the models serving a task and keeps language/instruct/banner in step. */
  async function bindModel(form, task, onChange) {
    const select = form.querySelector('select[name="model"]');
    let list = [];
    try {
      list = (await models()).filter(m => (m.tasks || []).includes(task));
    } catch (e) {
      showError(form, 'model', 'Cannot list the models: ' + e.message);
    }
    if (select) {
      select.replaceChildren(...list.map(m => el('option', { value: m.id, text: m.display_name + (m.random_weights ? ' (random weights)' : '') })));
      if (!list.length) {
        select.append(el('option', { value: '', text: 'no model serves this task' }));
      }
    }
    const update = () => {
      const m = list.find(x => x.id === (select ? select.value : '')) || list[0];
      randomWeights(m && m.random_weights ? m.id : null);
      const lang = form.querySelector('select[name="language"]');
      if (lang && m) {
        const keep = lang.value || lang.dataset.initial || 'auto';
        const langs = ['auto'].concat((m.languages && m.languages.length ? m.languages : LANGUAGES).filter(l => l !== 'auto'));
        lang.replaceChildren(...langs.map(l => el('option', { value: l, text: l })));
        lang.value = langs.includes(keep) ? keep : 'auto';
      }
      form.querySelectorAll('[data-needs-instruct]').forEach(box => {
        // [hidden] wins over the field's display: flex in the stylesheet, so the field really goes.
        box.hidden = !(m && m.supports_instruct);
        box.querySelectorAll('input,textarea').forEach(i => { i.disabled = box.hidden; });
      });
      if (onChange) onChange(m);
    };
    if (select) select.addEventListener('change', update);
    update();
    return list;
  }

  // ---- sampling ---------------------------------------------------------------------------------

  const SAMPLING = [
    ['temperature', 'Temperature', 'number', '0.9', 'any'],
    ['top_k', 'Top-k', 'number', '50', '1'],
    ['top_p', 'Top-p', 'number', '1.0', 'any'],
    ['repetition_penalty', 'Repetition penalty', 'number', '1.05', 'any'],
    ['subtalker_temperature', 'Code predictor temperature', 'number', '0.9', 'any'],
    ['subtalker_top_k', 'Code predictor top-k', 'number', '50', '1'],
    ['subtalker_top_p', 'Code predictor top-p', 'number', '1.0', 'any'],
    ['max_new_tokens', 'Max frames', 'number', 'model default', '1'],
  ];

  /** Builds the folded "Advanced sampling" section into a container (seed first, always visible in it). */
  function sampling(container) {
    const fields = SAMPLING.map(([name, label, type, ph, step]) => el('div', { class: 'field' }, [
      el('label', { for: 'f-' + name, text: label }),
      el('input', { id: 'f-' + name, name: name, type: type, placeholder: ph, step: step }),
      el('div', { class: 'field-error', 'data-error-for': name }),
    ]));
    const doSample = el('div', { class: 'field' }, [
      el('label', { for: 'f-do_sample', text: 'Sampling' }),
      el('select', { id: 'f-do_sample', name: 'do_sample' }, [
        el('option', { value: '', text: 'model default' }), el('option', { value: 'true', text: 'on' }),
        el('option', { value: 'false', text: 'off (greedy)' })]),
      el('div', { class: 'field-error', 'data-error-for': 'do_sample' }),
    ]);
    container.replaceChildren(el('details', { class: 'advanced' }, [
      el('summary', { text: 'Advanced sampling' }),
      el('div', { class: 'grid' }, [
        el('div', { class: 'field' }, [
          el('label', { for: 'f-seed', text: 'Seed' }),
          el('input', { id: 'f-seed', name: 'seed', type: 'number', step: '1', placeholder: 'random' }),
          el('div', { class: 'field-error', 'data-error-for': 'seed' }),
        ]), doSample].concat(fields)),
    ]));
  }

  function num(form, name) {
    const i = form.querySelector('[name="' + name + '"]');
    return i && !i.disabled && i.value.trim() !== '' ? Number(i.value) : undefined;
  }

  /** Mirrors the API's checks of the decoding overrides; returns [field, message] pairs. */
  function validateSampling(form) {
    const errors = [];
    const positive = n => { const v = num(form, n); if (v !== undefined && !(v > 0 && isFinite(v))) errors.push([n, FIELD_WORDS[n] + ' must be a positive number.']); };
    const nonNeg = n => { const v = num(form, n); if (v !== undefined && !(Number.isInteger(v) && v >= 0)) errors.push([n, FIELD_WORDS[n] + ' must be 0 (off) or a whole number above 0.']); };
    const prob = n => { const v = num(form, n); if (v !== undefined && !(v > 0 && v <= 1)) errors.push([n, FIELD_WORDS[n] + ' must be more than 0 and at most 1 (0, 1].']); };
    positive('temperature'); positive('subtalker_temperature'); positive('repetition_penalty');
    nonNeg('top_k'); nonNeg('subtalker_top_k'); prob('top_p'); prob('subtalker_top_p');
    const mnt = num(form, 'max_new_tokens');
    if (mnt !== undefined && !(Number.isInteger(mnt) && mnt >= 1 && mnt <= MAX_NEW_TOKENS)) {
      errors.push(['max_new_tokens', 'Max frames must be between 1 and ' + MAX_NEW_TOKENS + '.']);
    }
    const seedInput = form.querySelector('[name="seed"]');
    if (seedInput && seedInput.value.trim() !== '' && !/^-?\d{1,19}$/.test(seedInput.value.trim())) {
      errors.push(['seed', 'The seed must be a whole number.']);
    }
    return errors;
  }

  /** The common text checks: input required and bounded, instructions bounded. */
  function validateText(form, errors) {
    const input = form.querySelector('[name="input"]');
    if (input && !input.disabled) {
      if (!input.value.trim()) errors.push(['input', 'Enter the text to speak.']);
      else if (input.value.length > MAX_TEXT) errors.push(['input', 'The text is ' + input.value.length + ' characters; at most ' + MAX_TEXT + ' fit in one request.']);
    }
    const instr = form.querySelector('[name="instructions"]');
    if (instr && !instr.disabled && instr.value.length > MAX_INSTRUCT) {
      errors.push(['instructions', 'The description is at most ' + MAX_INSTRUCT + ' characters.']);
    }
    return errors;
  }

  /** Reads the form into a request object: text fields, the sampling overrides, the seed (exact, as text). */
  function formRequest(form, names) {
    const req = {};
    for (const n of names) {
      const i = form.querySelector('[name="' + n + '"]');
      if (!i || i.disabled) continue;
      if (i.type === 'checkbox') req[n] = i.checked;
      else if (i.value.trim() !== '') req[n] = i.value;
    }
    for (const [n] of SAMPLING) {
      const v = num(form, n);
      if (v !== undefined) req[n] = v;
    }
    const ds = form.querySelector('[name="do_sample"]');
    if (ds && ds.value) req.do_sample = ds.value === 'true';
    const seed = form.querySelector('[name="seed"]');
    // JSON numbers above 2^53 lose digits in JS; the API reads a numeric string exactly.
    if (seed && seed.value.trim() !== '') req.seed = Number.isSafeInteger(Number(seed.value)) ? Number(seed.value) : seed.value.trim();
    return req;
  }

  // ---- waveform -------------------------------------------------------------------------------

  /** A min/max waveform of the samples received so far, redrawn at most once per animation frame. */
  class Waveform {
    constructor(canvas) {
      this.canvas = canvas;
      this.chunks = [];
      this.total = 0;
      this.playhead = -1;
      this.pending = false;
    }
    reset() { this.chunks = []; this.total = 0; this.playhead = -1; this.draw(); }
    add(samples) { this.chunks.push(samples); this.total += samples.length; this.schedule(); }
    setPlayhead(fraction) { this.playhead = fraction; this.schedule(); }
    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }
    draw() {
      const c = this.canvas;
      const w = c.width = c.clientWidth * (window.devicePixelRatio || 1) || 600;
      const h = c.height = c.clientHeight * (window.devicePixelRatio || 1) || 80;
      const g = c.getContext('2d');
      g.clearRect(0, 0, w, h);
      const style = getComputedStyle(c);
      g.fillStyle = style.getPropertyValue('--wave-bg') || '#eef';
      g.fillRect(0, 0, w, h);
      g.strokeStyle = style.color || '#336';
      g.beginPath();
      g.moveTo(0, h / 2); g.lineTo(w, h / 2);
      if (this.total > 0) {
        const per = this.total / w;
        let ci = 0, off = 0;
        for (let x = 0; x < w; x++) {
          let end = Math.floor((x + 1) * per), pos = Math.floor(x * per), lo = 0, hi = 0;
          while (pos < end && ci < this.chunks.length) {
            const ch = this.chunks[ci];
            const v = ch[pos - off];
            if (v < lo) lo = v; if (v > hi) hi = v;
            pos++;
            if (pos - off >= ch.length) { off += ch.length; ci++; }
          }
          g.moveTo(x + 0.5, h / 2 - hi * h / 2);
          g.lineTo(x + 0.5, h / 2 - lo * h / 2 + 1);
        }
      }
      g.stroke();
      if (this.playhead >= 0) {
        g.fillStyle = '#d33';
        g.fillRect(Math.floor(this.playhead * w), 0, 2, h);
      }
    }
  }

  // ---- streaming playback -------------------------------------------------------------------

  /** Plays PCM chunks back to back on one AudioContext: each starts exactly where the last ends. */
  class StreamPlayer {
    constructor() {
      this.ctx = null;
      this.next = 0;
      this.sources = [];
      // Where each chunk was scheduled ([start s, samples]) and how often playback ran dry: the
      // browser tests check that chunks butt-join (no gap, no overlap) unless generation fell behind.
      this.schedule = [];
      this.underruns = 0;
      try {
        // Created in the click handler (browsers allow sound only after a gesture); 24 kHz is the
        // models' rate, so chunks need no resampling and butt-join sample-exactly.
        this.ctx = new AudioContext({ sampleRate: 24000, latencyHint: 'playback' });
      } catch (e) {
        try { this.ctx = new AudioContext(); } catch (e2) { this.ctx = null; }
      }
      // One gain node for mute; pausing suspends the context, which holds the schedule in place.
      this.gain = this.ctx ? this.ctx.createGain() : null;
      if (this.gain) this.gain.connect(this.ctx.destination);
      this.paused = false;
    }
    /** Pauses or resumes live playback; generation goes on and the audio waits. */
    setPaused(paused) {
      if (!this.ctx || this.ctx.state === 'closed') return;
      this.paused = !!paused;
      (paused ? this.ctx.suspend() : this.ctx.resume()).catch(() => {});
    }
    setMuted(muted) {
      if (this.gain) this.gain.gain.value = muted ? 0 : 1;
    }
    play(samples, rate) {
      if (!this.ctx || !samples.length) return;
      const buf = this.ctx.createBuffer(1, samples.length, rate);
      buf.copyToChannel(samples, 0);
      const src = this.ctx.createBufferSource();
      src.buffer = buf;
      src.connect(this.gain || this.ctx.destination);
      const now = this.ctx.currentTime;
      // Start with a small lead; after an underrun, restart with the same lead rather than overlap.
      if (this.next < now + 0.02) {
        if (this.schedule.length) this.underruns++;
        this.next = now + 0.15;
      }
      src.start(this.next);
      this.schedule.push([this.next, samples.length]);
      this.next += buf.duration;
      this.sources.push(src);
      src.onended = () => { this.sources = this.sources.filter(s => s !== src); };
    }
    stop() {
      this.sources.forEach(s => { try { s.stop(); } catch (e) { /* already ended */ } });
      this.sources = [];
      if (this.ctx) this.ctx.close().catch(() => {});
      this.ctx = null;
    }
    finish() {
      const ctx = this.ctx;
      if (!ctx) return;
      // A paused context keeps its audio until resumed; it is closed once what is left has played.
      const closeWhenPlayed = () => {
        if (ctx.state === 'closed') return;
        const left = Math.max(0, this.next - ctx.currentTime);
        if (ctx.state === 'suspended' || left > 0.05) { setTimeout(closeWhenPlayed, Math.max(250, left * 1000)); return; }
        ctx.close().catch(() => {});
      };
      setTimeout(closeWhenPlayed, 500);
    }
    /** @return whether live audio is still to be heard (playing or paused) */
    active() {
      return !!this.ctx && this.ctx.state !== 'closed' && this.next > this.ctx.currentTime;
    }
  }

  function pcm16ToFloat(buffer) {
    const view = new DataView(buffer);
    const n = buffer.byteLength >> 1;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
    return out;
  }

  // ---- result panel -----------------------------------------------------------------------------

  /** Seconds as m:ss (or h:mm:ss), as players show time. */
  function clock(seconds) {
    const t = Math.max(0, Math.round(Number(seconds) || 0));
    const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
    return (h ? h + ':' + String(m).padStart(2, '0') : String(m)) + ':' + String(sec).padStart(2, '0');
  }

  /** Why generation stopped, in words (nothing for a normal end). */
  function finishWords(reason) {
    if (reason === 'MAX_NEW_TOKENS') return 'stopped at the Max frames limit; the end may be cut off';
    if (reason === 'LENGTH_LIMIT') return 'stopped by the length guard (it ran on far longer than the text needs); the end may be cut off';
    return '';
  }

  /** Cluster mode: " · worker w1" for a single output, " · workers w1: 30 steps, w2: 15 steps" for a pipeline's. */
  function workerWords(p) {
    p = p || {};
    return p.worker ? ' · worker ' + p.worker : p.workers ? ' · workers ' + p.workers : '';
  }

  /** How fast generation ran, in words ("3.2× faster than real time"). */
  function speedWords(rtf) {
    const r = Number(rtf);
    if (!(r > 0) || !isFinite(r)) return '';
    return r <= 1 ? (1 / r).toFixed(1) + '× faster than real time' : r.toFixed(1) + '× slower than real time';
  }

  /** The progress bar, cancel button, live controls, waveform, player, seed and download links of a task page. */
  class ResultPanel {
    constructor(container, form) {
      this.form = form;
      this.progressBar = el('progress', { max: '1', value: '0', class: 'progress-bar', 'aria-label': 'Progress' });
      this.status = el('span', { class: 'status', 'aria-live': 'polite' });
      this.cancelButton = el('button', { type: 'button', class: 'secondary danger', hidden: true, text: 'Cancel' });
      this.pauseButton = el('button', { type: 'button', class: 'secondary live-pause', hidden: true, text: 'Pause', 'aria-pressed': 'false' });
      this.muteButton = el('button', { type: 'button', class: 'secondary live-mute', hidden: true, text: 'Mute', 'aria-pressed': 'false' });
      this.canvas = el('canvas', { class: 'wave', width: '800', height: '96', role: 'img', 'aria-label': 'Waveform of the audio' });
      this.audio = el('audio', { controls: true, preload: 'auto', class: 'player', 'aria-label': 'Generated audio' });
      this.meta = el('div', { class: 'meta' });
      this.downloads = el('div', { class: 'downloads' });
      this.root = el('section', { class: 'panel result', hidden: true, 'aria-label': 'Result' }, [
        el('div', { class: 'progress' }, [this.progressBar, this.status, this.pauseButton, this.muteButton, this.cancelButton]),
        this.canvas, this.audio, this.meta, this.downloads]);
      container.replaceChildren(this.root);
      // Reachable from the page (and the browser tests) through the card.
      this.root.q3Result = this;
      this.wave = new Waveform(this.canvas);
      this.live = null;
      this.audio.addEventListener('timeupdate', () => {
        if (this.audio.duration > 0) this.wave.setPlayhead(this.audio.currentTime / this.audio.duration);
      });
      this.pauseButton.addEventListener('click', () => {
        if (!this.live) return;
        const paused = !this.live.paused;
        this.live.setPaused(paused);
        this.pauseButton.textContent = paused ? 'Resume' : 'Pause';
        this.pauseButton.setAttribute('aria-pressed', String(paused));
      });
      this.muteButton.addEventListener('click', () => {
        if (!this.live) return;
        const muted = this.muteButton.getAttribute('aria-pressed') !== 'true';
        this.live.setMuted(muted);
        this.muteButton.textContent = muted ? 'Unmute' : 'Mute';
        this.muteButton.setAttribute('aria-pressed', String(muted));
      });
    }
    /** Shows pause and mute for a live StreamPlayer (the audio element has nothing to play until the end). */
    attachLive(player) {
      this.live = player;
      this.pauseButton.hidden = this.muteButton.hidden = !player;
      this.pauseButton.textContent = 'Pause';
      this.pauseButton.setAttribute('aria-pressed', 'false');
      this.muteButton.textContent = 'Mute';
      this.muteButton.setAttribute('aria-pressed', 'false');
    }
    /** Hides the live controls once the live audio has played out. */
    liveEnded() {
      const watch = () => {
        if (this.live && this.live.active()) { setTimeout(watch, 300); return; }
        this.pauseButton.hidden = this.muteButton.hidden = true;
      };
      watch();
    }
    begin() {
      this.root.hidden = false;
      this.canvas.hidden = this.audio.hidden = false;
      this.wave.reset();
      this.audio.removeAttribute('src');
      this.audio.load();
      this.meta.replaceChildren();
      this.downloads.replaceChildren();
      this.progressBar.removeAttribute('value');
      this.status.textContent = 'Submitting…';
      this.cancelButton.hidden = false;
      this.cancelButton.disabled = false;
      this.root.dataset.state = 'running';
    }
    progress(p) {
      if (p.state === 'queued' || (p.queue_position && p.queue_position > 0)) {
        this.progressBar.removeAttribute('value');
        this.status.textContent = 'Waiting for the generator' + (p.queue_position ? ' (' + (p.queue_position - 1) + ' ahead)' : '') + '…';
      } else if (p.fraction !== undefined && p.fraction !== null) {
        this.progressBar.value = Math.min(1, p.fraction);
        this.status.textContent = 'Generating: ' + clock((p.frames || 0) / 12.5) + ' of audio so far';
      } else {
        this.status.textContent = 'Generating…';
      }
    }
    randomWeights(model) {
      randomWeights(model);
    }
    /** Shows the finished output: player, metadata with a reusable seed, the cluster worker(s), download links. */
    done(o) {
      this.root.dataset.state = 'done';
      this.canvas.hidden = this.audio.hidden = false;
      this.cancelButton.hidden = true;
      this.progressBar.value = 1;
      const notes = [speedWords(o.rtf), finishWords(o.finish_reason)].filter(Boolean);
      this.status.textContent = 'Done: ' + clock(o.duration_seconds) + ' of audio' + (notes.length ? ' (' + notes.join('; ') + ')' : '');
      this.root.dataset.finishReason = o.finish_reason || '';
      const audioPath = o.audio_url || ('/api/v1/outputs/' + o.output_id + '/audio');
      this.audio.src = url(audioPath + '?format=wav');
      this.audio.dataset.outputId = o.output_id;
      const seedInput = this.form.querySelector('[name="seed"]');
      // replaceChildren would print a null child as the text "null".
      this.meta.replaceChildren(...[
        el('span', { text: 'Seed ' }), el('code', { class: 'seed', text: String(o.seed) }),
        seedInput ? el('button', { type: 'button', class: 'link', text: 'reuse', 'aria-label': 'Reuse seed ' + o.seed, onclick: () => {
          seedInput.value = String(o.seed);
          const d = seedInput.closest('details'); if (d) d.open = true;
        } }) : null,
        el('span', { text: ' · model ' + o.model + workerWords(o.parameters) + ' · ' }),
        el('a', { href: '/outputs#' + o.output_id, text: 'in outputs' })].filter(Boolean));
      this.downloads.replaceChildren(el('span', { text: 'Download: ' }),
        ...FORMATS.map(f => el('a', { href: url(audioPath + '?format=' + f), download: 'q3tts-' + o.output_id + '.' + f, class: 'dl', text: f })));
    }
    /** Draws the stored file's waveform when live audio did not (a job followed without audio events). */
    async drawFromFile(audioUrl) {
      if (this.wave.total > 0) return;
      try {
        const samples = await wavSamples(await fetch(url(audioUrl + '?format=wav')));
        this.wave.reset();
        this.wave.add(samples);
      } catch (e) { /* the player still works */ }
    }
    failed(message) {
      this.root.dataset.state = 'failed';
      // Nothing to see or play when no audio came: no empty waveform, no dead player.
      this.canvas.hidden = this.wave.total === 0;
      this.audio.hidden = !this.audio.getAttribute('src');
      this.cancelButton.hidden = true;
      this.progressBar.value = 0;
      this.status.textContent = human(message);
    }
  }

  // ---- the generic task page ------------------------------------------------------------------

  /**
   * Wires a task form: model picker, validation, WebSocket streaming with live playback, result panel.
   * opts: task (API task key), fields (form field names sent as-is), validate(form) -> [[field, msg]],
   * extend(form, request) -> Promise (adds e.g. ref_audio), onDone(endFrame).
   */
  function taskPage(form, opts) {
    const result = new ResultPanel(opts.result || document.querySelector('[data-result]'), form);
    const samplingBox = form.querySelector('[data-sampling]');
    if (samplingBox) sampling(samplingBox);
    const ready = bindModel(form, opts.modelTask || opts.task, opts.onModel);
    const button = form.querySelector('button[type="submit"]');
    let socket = null;
    let player = null;

    result.cancelButton.addEventListener('click', () => {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'cancel' }));
        result.cancelButton.disabled = true;
        result.status.textContent = 'Cancelling…';
      }
    });

    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      // Still streaming the last request (a submit that did not come from the disabled button).
      if (button.disabled) return;
      clearErrors(form);
      const errors = validateText(form, []).concat(validateSampling(form), opts.validate ? opts.validate(form) : []);
      if (errors.length) {
        showErrors(form, errors);
        return;
      }
      const req = Object.assign(formRequest(form, opts.fields), { task: opts.task, format: 'pcm' });
      player = new StreamPlayer();
      form.streamPlayer = player;
      form.streamChunks = [];
      button.disabled = true;
      result.begin();
      result.attachLive(player);
      try {
        if (opts.extend) await opts.extend(form, req);
      } catch (e) {
        button.disabled = false;
        player.stop();
        result.attachLive(null);
        result.failed(e.message);
        showErrors(form, [[e.field || '', e.message]]);
        return;
      }
      let rate = 24000;
      socket = new WebSocket(wsUrl('/api/v1/stream'));
      socket.binaryType = 'arraybuffer';
      const ws = socket;
      let finished = false;
      const end = () => { finished = true; button.disabled = false; ws.close(); };
      ws.onopen = () => ws.send(JSON.stringify(req));
      ws.onmessage = m => {
        if (typeof m.data !== 'string') {
          const samples = pcm16ToFloat(m.data);
          form.streamChunks.push(samples);
          result.wave.add(samples);
          player.play(samples, rate);
          return;
        }
        const f = JSON.parse(m.data);
        if (f.type === 'header') {
          rate = f.sample_rate;
          result.status.textContent = 'Started on ' + f.model;
          if (f.random_weights) result.randomWeights(f.model);
        } else if (f.type === 'progress') {
          result.progress(f);
        } else if (f.type === 'end') {
          player.finish();
          result.done(f);
          result.liveEnded();
          end();
          if (opts.onDone) opts.onDone(f);
        } else if (f.type === 'error') {
          player.stop();
          result.attachLive(null);
          result.failed((f.error_type || f.errorType) === 'CANCELLED' ? 'Cancelled.' : f.error);
          if ((f.error_type || f.errorType) !== 'CANCELLED') showErrors(form, [[f.field || '', f.error]]);
          end();
        }
      };
      ws.onerror = () => { if (!finished) { result.failed('The connection to the q3tts server at ' + serverName() + ' failed.'); player.stop(); result.attachLive(null); end(); } };
      ws.onclose = () => { if (!finished) { result.failed('The server closed the connection.'); player.stop(); result.attachLive(null); end(); } };
    });

    // The same request over plain HTTP, for other programs.
    apiSnippet(form, () => {
      const req = formRequest(form, opts.fields);
      const spec = { path: '/api/v1/tts/' + opts.task.replace(/_/g, '-'), json: req, out: 'speech.wav' };
      return opts.snippet ? opts.snippet(form, spec) : spec;
    });
    ready.then(() => rerun(form));
    return { result: result };
  }

  /** ?rerun=<output id>: fills the form with that output's settings (text, speaker, voice, sampling, seed). */
  async function rerun(form) {
    const id = new URLSearchParams(location.search).get('rerun');
    if (!id) return;
    try {
      const o = await api('GET', '/api/v1/outputs/' + encodeURIComponent(id));
      const set = (name, value) => {
        const i = form.querySelector('[name="' + name + '"]');
        if (!i || value === null || value === undefined) return;
        if (i.voicePicker) { i.voicePicker.set(value); return; }
        if (i.type === 'checkbox') i.checked = !!value; else i.value = String(value);
        i.dispatchEvent(new Event('change'));
      };
      set('model', o.model);
      set('input', o.text);
      set('language', o.language);
      set('voice', o.task === 'voice_clone' ? o.voice_id : o.speaker);
      set('instructions', o.instruct);
      const p = o.parameters || {};
      for (const [k, v] of Object.entries(p)) set(k, v);
      set('seed', o.seed);
      const d = form.querySelector('details.advanced');
      if (d) d.open = true;
    } catch (e) {
      showError(form, '', 'Cannot load output ' + id + ' to re-run: ' + e.message);
    }
  }

  // ---- audio capture --------------------------------------------------------------------------

  /** Encodes mono float samples as a 16-bit PCM WAV blob. */
  function wavBlob(samples, rate) {
    const buf = new ArrayBuffer(44 + samples.length * 2);
    const v = new DataView(buf);
    const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
    str(0, 'RIFF'); v.setUint32(4, 36 + samples.length * 2, true); str(8, 'WAVE');
    str(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
    str(36, 'data'); v.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      v.setInt16(44 + i * 2, s < 0 ? s * 32768 : s * 32767, true);
    }
    return new Blob([buf], { type: 'audio/wav' });
  }

  /**
   * A clip source: a file upload or a recording made in the browser (MediaRecorder, converted to WAV
   * because the server decodes wav/flac/mp3/ogg but not the browser's webm). Call clip() for the Blob.
   * The container fires a bubbling 'q3:clip' event whenever a new clip is chosen or recorded.
   */
  function clipSource(container) {
    const name = container.dataset.recorder || 'audio';
    const file = el('input', { type: 'file', name: name, accept: 'audio/*,.wav,.flac,.mp3,.ogg',
      'aria-label': container.dataset.label || 'Reference clip file (wav, flac, mp3, ogg)' });
    const rec = el('button', { type: 'button', class: 'secondary', text: 'Record', 'aria-label': 'Record a clip with the microphone' });
    const preview = el('audio', { controls: true, hidden: true, class: 'clip-preview', 'aria-label': 'The chosen clip' });
    const info = el('span', { class: 'muted' });
    let recorded = null;
    let recorder = null;
    container.replaceChildren(el('div', { class: 'clip-row' }, [file, el('span', { class: 'muted', text: 'or' }), rec, info]), preview);
    file.addEventListener('change', () => {
      recorded = null;
      if (file.files[0]) {
        preview.src = URL.createObjectURL(file.files[0]); preview.hidden = false; info.textContent = '';
        container.dispatchEvent(new CustomEvent('q3:clip', { bubbles: true }));
      }
    });
    rec.addEventListener('click', async () => {
      if (recorder) { recorder.stop(); return; }
      // A second click while the browser still asks for the microphone must not start a second recorder.
      if (rec.dataset.starting) return;
      rec.dataset.starting = 'true';
      let stream;
      try {
        if (!navigator.mediaDevices || !window.MediaRecorder) throw new Error('this browser cannot record here (it needs https or localhost)');
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        recorder = new MediaRecorder(stream);
      } catch (e) {
        if (stream) stream.getTracks().forEach(t => t.stop());
        info.textContent = 'No microphone: ' + e.message;
        return;
      } finally {
        delete rec.dataset.starting;
      }
      const parts = [];
      recorder.ondataavailable = e => parts.push(e.data);
      recorder.onstop = async () => {
        stream.getTracks().forEach(t => t.stop());
        recorder = null;
        rec.textContent = 'Record';
        try {
          const ctx = new AudioContext();
          const decoded = await ctx.decodeAudioData(await new Blob(parts).arrayBuffer());
          ctx.close();
          recorded = wavBlob(decoded.getChannelData(0), decoded.sampleRate);
          file.value = '';
          preview.src = URL.createObjectURL(recorded);
          preview.hidden = false;
          info.textContent = 'Recorded ' + decoded.duration.toFixed(1) + ' s';
          container.dispatchEvent(new CustomEvent('q3:clip', { bubbles: true }));
        } catch (e) {
          info.textContent = 'Cannot decode the recording: ' + e.message;
        }
      };
      recorder.start();
      rec.textContent = 'Stop';
      info.textContent = 'Recording…';
    });
    return {
      clip() { return recorded || (file.files[0] || null); },
      filename() { return recorded ? 'recording.wav' : (file.files[0] ? file.files[0].name : null); },
      clear() { recorded = null; file.value = ''; preview.hidden = true; info.textContent = ''; },
    };
  }

  function base64(blob) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
      r.onerror = () => reject(r.error);
      r.readAsDataURL(blob);
    });
  }

  /** Saves a clip as a voice (POST /api/v1/voices); fields: name, ref_text, language, description, x_vector_only_mode. */
  async function saveVoice(clip, filename, fields) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== null && v !== '') fd.append(k, String(v));
    }
    fd.append('audio_sample', clip, filename || 'clip.wav');
    return api('POST', '/api/v1/voices', fd);
  }

  // ---- shell ------------------------------------------------------------------------------------

  /**
   * The one random-weights warning of a screen (the shell's #q3-banner): every installed model is
   * random (from /api/v1/health), or the model a form or job uses is. Everyone who knows goes through
   * here, so a screen never shows the warning twice.
   */
  const rwState = { all: false, model: null };
  function randomWeights(modelId) {
    rwState.model = modelId || null;
    const banner = document.getElementById('q3-banner');
    if (!banner) return;
    const text = rwState.all
      ? 'Every installed model has random weights: the audio is noise, not speech. Install real model bundles (see the README) for real voices.'
      : rwState.model ? 'The model ' + rwState.model + ' has random weights: it produces noise, not speech. Install real weights for real voices.' : '';
    banner.textContent = text;
    banner.hidden = !text;
    banner.dataset.randomWeights = text ? 'true' : '';
  }

  let healthPromise = null;
  /** The API server's health, asked once per page. */
  function health() {
    if (!healthPromise) {
      healthPromise = api('GET', '/api/v1/health').then(h => {
        if (h && h.api_keys) keysNeeded = true;
        return h;
      });
      healthPromise.catch(() => { healthPromise = null; });
    }
    return healthPromise;
  }

  /** The environment variable the copied requests read the API key from: the key itself is never shown. */
  const KEY_VARIABLE = 'Q3TTS_API_KEY';
  // Whether the API server wants a key: health says so; a key kept for a remote server says so too.
  let keysNeeded = !!apiKey();

  async function shellHealth() {
    const foot = document.getElementById('q3-health');
    try {
      const h = await health();
      const q = h.queue || {};
      if (foot) {
        foot.textContent = h.status + ' · ' + (h.models_loaded || 0) + '/' + (h.models || 0) + ' models loaded · '
          + (q.gpu_running || 0) + ' running, ' + (q.gpu_queued || 0) + ' queued';
      }
      rwState.all = !!h.random_weights_only;
      randomWeights(rwState.model);
      return h;
    } catch (e) {
      if (foot) foot.textContent = 'server unreachable';
      offline(true);
      return null;
    }
  }

  /** Shell behaviour every page gets: the collapsible navigation and Ctrl+Enter to submit. */
  function shellKeys() {
    const toggle = document.getElementById('q3-nav-toggle');
    const sidebar = document.querySelector('.sidebar');
    if (toggle && sidebar) {
      toggle.addEventListener('click', () => {
        const open = !sidebar.classList.contains('open');
        sidebar.classList.toggle('open', open);
        toggle.setAttribute('aria-expanded', String(open));
      });
    }
    document.querySelectorAll('main form.form button[type=submit]').forEach(b => {
      b.setAttribute('aria-keyshortcuts', 'Control+Enter');
      if (!b.title) b.title = 'Ctrl+Enter';
    });
    // Ctrl+Enter (Cmd+Enter on a Mac) submits the form the focus is in, else the page's main form.
    document.addEventListener('keydown', ev => {
      if (ev.key !== 'Enter' || !(ev.ctrlKey || ev.metaKey) || ev.defaultPrevented) return;
      const active = document.activeElement;
      const form = (active && active.closest && active.closest('form')) || document.querySelector('main form[data-main], main form.form');
      if (!form) return;
      ev.preventDefault();
      // A disabled submit button means the form's last request is still being checked or run: no second job.
      const submit = form.querySelector('button[type=submit]');
      if (submit && submit.disabled) return;
      form.requestSubmit();
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', shellKeys); else shellKeys();

  // ---- voices -----------------------------------------------------------------------------------

  let speakersPromise = null;
  /** Preset speakers [{id, name, description, language}]: the custom-voice plugin's list, else the models' names. */
  function presetSpeakers() {
    if (!speakersPromise) {
      speakersPromise = api('GET', '/plugins/custom-voice/speakers')
        .then(r => (r.speakers || []).map(x => ({ id: x.id, name: x.name, description: x.description || '', language: x.native_language || '' })))
        .catch(() => models().then(ms => [...new Set(ms.filter(m => (m.tasks || []).includes('custom_voice')).flatMap(m => m.speakers || []))]
          .map(x => ({ id: x.toLowerCase(), name: x, description: '', language: '' }))))
        .catch(() => { speakersPromise = null; return []; });
    }
    return speakersPromise;
  }

  let savedPromise = null;
  /** Saved voices, read once per page (fresh: read again). */
  function savedVoices(fresh) {
    if (!savedPromise || fresh) {
      savedPromise = api('GET', '/api/v1/voices').then(r => r.voices || []).catch(() => { savedPromise = null; return []; });
    }
    return savedPromise;
  }

  const DESIGN = 'design:';

  /**
   * The voice picker every page uses: preset speakers (with their description), saved voices (with a
   * play button for the reference clip) and "design: …" (with a box for the description). Its value
   * is what the API takes: a preset key ("ryan"), a saved voice ("saved:<id>", or the bare id with
   * savedPrefix ''), or "design:<description>".
   * opts: name (the select's form name), id, label (accessible name when no <label for> names it),
   * kinds (['preset', 'saved', 'design']), empty (the label of a '' choice, or null for none),
   * savedPrefix ('saved:'), value (initial).
   */
  class VoicePicker {
    constructor(container, opts) {
      this.opts = Object.assign({ kinds: ['preset', 'saved', 'design'], savedPrefix: 'saved:', empty: null }, opts || {});
      const id = this.opts.id || uid('voice');
      this.container = container;
      this.select = el('select', { id: id, name: this.opts.name || null, class: 'voice-select', 'aria-label': this.opts.label || null,
        'aria-describedby': id + '-info' });
      this.design = el('textarea', { id: id + '-design', rows: '2', maxlength: '2000', class: 'voice-design', hidden: true,
        placeholder: 'Describe the voice, e.g. a calm, deep male voice in his fifties',
        'aria-label': (this.opts.label || 'Voice') + ': description of the voice to design' });
      this.play = el('button', { type: 'button', class: 'secondary voice-play', hidden: true, text: 'Play',
        'aria-label': 'Play the saved voice' });
      this.audio = el('audio', { preload: 'none', hidden: true });
      this.info = el('div', { class: 'voice-info field-hint', id: id + '-info' });
      container.classList.add('voice-picker');
      container.replaceChildren(el('div', { class: 'voice-row' }, [this.select, this.play]), this.design, this.info, this.audio);
      container.voicePicker = this;
      this.select.voicePicker = this;
      this.select.addEventListener('change', () => this.sync(true));
      this.design.addEventListener('input', () => this.container.dispatchEvent(new Event('change', { bubbles: true })));
      this.play.addEventListener('click', () => {
        if (!this.audio.paused) { this.audio.pause(); return; }
        this.audio.play().catch(() => {});
      });
      this.audio.addEventListener('play', () => { this.play.textContent = 'Stop'; });
      this.audio.addEventListener('pause', () => { this.play.textContent = 'Play'; });
      this.audio.addEventListener('ended', () => { this.play.textContent = 'Play'; });
      this.presets = [];
      this.saved = [];
      this.loaded = false;
      this.ready = this.load(this.opts.value);
    }
    async load(value) {
      const kinds = this.opts.kinds;
      const [presets, saved] = await Promise.all([kinds.includes('preset') ? presetSpeakers() : [],
        kinds.includes('saved') ? savedVoices() : []]);
      this.presets = presets;
      this.saved = saved;
      const keep = value !== undefined && value !== null ? value : this.value();
      const groups = [];
      if (this.opts.empty !== null) groups.push(el('option', { value: '', text: this.opts.empty }));
      if (kinds.includes('preset') && presets.length) {
        groups.push(el('optgroup', { label: 'Preset speakers' }, presets.map(p => {
          const o = el('option', { value: p.id, text: p.name + (p.language ? ' (' + p.language + ')' : '') });
          o.dataset.kind = 'preset';
          o.dataset.description = p.description + (p.language ? ' Native language: ' + p.language + '.' : '');
          o.dataset.language = p.language;
          return o;
        })));
      }
      if (kinds.includes('saved') && saved.length) {
        groups.push(el('optgroup', { label: 'Saved voices' }, saved.map(v => {
          const o = el('option', { value: this.opts.savedPrefix + v.id, text: v.name + ' (' + (v.language || 'auto') + ', ' + v.origin + ')' });
          o.dataset.kind = 'saved';
          o.dataset.description = (v.description ? v.description + ' ' : '') + (v.ref_text ? '“' + v.ref_text + '”' : '');
          o.dataset.clip = v.clip_url || ('/api/v1/voices/' + v.id + '/clip');
          o.dataset.language = v.language || '';
          return o;
        })));
      }
      if (kinds.includes('design')) {
        const o = el('option', { value: DESIGN, text: 'Design a voice from a description…' });
        o.dataset.kind = 'design';
        o.dataset.description = 'Describe the voice in the box; it is designed once and used for every line.';
        groups.push(o);
      }
      this.select.replaceChildren(...groups);
      this.loaded = true;
      this.set(keep);
      this.container.dispatchEvent(new CustomEvent('q3:voices', { bubbles: true }));
    }
    /** @return the selected option, or null */
    option() {
      return this.select.selectedOptions[0] || null;
    }
    /** @return the API value */
    value() {
      const o = this.option();
      if (!o) return this.pending || '';
      if (o.dataset.kind === 'design') return DESIGN + this.design.value.trim();
      return o.value;
    }
    /** Selects a voice by its API value; an unknown one is shown as missing, so check() reports it. */
    set(v) {
      const value = v === null || v === undefined ? '' : String(v).trim();
      if (!this.loaded) { this.pending = value; return; }
      this.select.querySelectorAll('option[data-kind="missing"]').forEach(o => o.remove());
      if (value.toLowerCase().startsWith(DESIGN) && this.opts.kinds.includes('design')) {
        this.select.value = DESIGN;
        this.design.value = value.slice(DESIGN.length).trim();
      } else if ([...this.select.options].some(o => o.value === value)) {
        this.select.value = value;
      } else if (value && [...this.select.options].some(o => o.value.toLowerCase() === value.toLowerCase())) {
        this.select.value = [...this.select.options].find(o => o.value.toLowerCase() === value.toLowerCase()).value;
      } else if (value) {
        const o = el('option', { value: value, text: value + ' (not found)' });
        o.dataset.kind = 'missing';
        this.select.append(o);
        this.select.value = value;
      }
      this.sync(false);
    }
    sync(changed) {
      const o = this.option();
      const kind = o ? o.dataset.kind : '';
      this.design.hidden = kind !== 'design';
      this.play.hidden = kind !== 'saved';
      if (kind === 'saved') {
        this.audio.pause();
        this.audio.src = url(o.dataset.clip + '?format=wav');
        this.play.setAttribute('aria-label', 'Play the saved voice ' + o.textContent);
      }
      this.info.textContent = kind === 'missing' ? 'This voice does not exist on the server: pick another.' : (o && o.dataset.description) || '';
      if (changed && kind === 'design') this.design.focus();
    }
    /** @return why the choice cannot be used, or null (what a job would otherwise fail on) */
    check() {
      const o = this.option();
      const kind = o ? o.dataset.kind : '';
      if (kind === 'missing') return 'The voice “' + o.value + '” does not exist: pick another.';
      if (kind === 'design' && !this.design.value.trim()) return 'Describe the voice to design.';
      if (!this.value() && this.opts.empty === null) return 'Choose a voice.';
      return null;
    }
  }

  /** @return the picker of a select or container, or null */
  function pickerOf(node) {
    return node ? (node.voicePicker || null) : null;
  }

  /**
   * Checks every voice picker in a form before a job starts; returns [field, message] pairs (the
   * field is the picker's data-field or its select's name).
   */
  function checkVoices(form) {
    const errors = [];
    form.querySelectorAll('.voice-picker').forEach(c => {
      const p = c.voicePicker;
      const problem = p && p.check();
      if (problem) {
        const field = c.dataset.field || p.select.name || '';
        errors.push([field, (c.dataset.what ? c.dataset.what + ': ' : '') + problem]);
        p.select.classList.add('invalid');
        p.select.setAttribute('aria-invalid', 'true');
      }
    });
    return errors;
  }

  /** Resolves once every voice picker of a form has its lists (so checkVoices sees missing voices). */
  function voicesReady(form) {
    return Promise.all([...form.querySelectorAll('.voice-picker')].map(c => c.voicePicker ? c.voicePicker.ready : null));
  }

  /** Replaces a free-text language input with a list of the models' languages (same name, id and value). */
  async function languageSelect(input, task) {
    let langs = LANGUAGES;
    try {
      const ms = (await models()).filter(m => !task || (m.tasks || []).includes(task));
      const all = new Set(ms.flatMap(m => m.languages || []));
      if (all.size) langs = ['auto'].concat([...all].filter(l => l !== 'auto'));
    } catch (e) { /* the standard list */ }
    const select = el('select', { id: input.id, name: input.name, class: input.className || null });
    const keep = (input.value || 'auto').toLowerCase();
    select.replaceChildren(...langs.map(l => el('option', { value: l, text: l })));
    if (!langs.includes(keep)) select.append(el('option', { value: keep, text: keep }));
    select.value = keep;
    input.replaceWith(select);
    return select;
  }

  /** Replaces a free-text model input with the installed models serving a task ('' = the server picks). */
  async function modelSelect(input, task) {
    const select = el('select', { id: input.id, name: input.name });
    const keep = input.value;
    select.append(el('option', { value: '', text: 'automatic' }));
    try {
      (await models()).filter(m => (m.tasks || []).includes(task)).forEach(m =>
        select.append(el('option', { value: m.id, text: m.display_name + (m.random_weights ? ' (random weights)' : '') })));
    } catch (e) { /* automatic only */ }
    if (keep && ![...select.options].some(o => o.value === keep)) select.append(el('option', { value: keep, text: keep }));
    select.value = keep || '';
    input.replaceWith(select);
    return select;
  }

  // ---- use from other programs ------------------------------------------------------------------

  /** The API server's origin as other programs reach it. */
  /** What to do about the API key, in words, for the copied requests. */
  function keyWords() {
    return 'This server needs an API key. The requests read it from the environment variable ' + KEY_VARIABLE
      + ' (the key is never shown here): set it to one of the keys the server was started with (auth.api_keys), e.g. '
      + 'export ' + KEY_VARIABLE + '=<your key>.';
  }

  /** @return whether the API server wants a key (known once health answered) */
  function keysRequired() {
    return keysNeeded;
  }

  function baseUrl() {
    return API_BASE || location.origin;
  }

  function shellQuote(v) {
    return "'" + String(v).replace(/'/g, "'\\''") + "'";
  }

  /** A JSON value as a Python literal (True/False/None, strings as JSON strings are valid Python). */
  function pyLiteral(v, indent) {
    const pad = '    '.repeat(indent + 1), end = '    '.repeat(indent);
    if (v === null || v === undefined) return 'None';
    if (v === true) return 'True';
    if (v === false) return 'False';
    if (typeof v === 'number' || typeof v === 'string') return JSON.stringify(v);
    if (Array.isArray(v)) return '[' + v.map(x => pyLiteral(x, indent + 1)).join(', ') + ']';
    const keys = Object.keys(v);
    if (!keys.length) return '{}';
    return '{\n' + keys.map(k => pad + JSON.stringify(k) + ': ' + pyLiteral(v[k], indent + 1)).join(',\n') + ',\n' + end + '}';
  }

  /**
   * The request as curl, Python (requests) and JavaScript (fetch).
   * spec: {method = 'POST', path, json (object) | form ([[name, value]] with {file: 'name'} for files), out (file to save audio to, or null for JSON)}
   */
  function snippets(spec) {
    const method = spec.method || 'POST';
    const target = baseUrl() + spec.path;
    const keys = keysNeeded;
    const curl = ['curl -sS -f -X ' + method + ' ' + shellQuote(target)];
    // The key comes from the environment: double quotes so that the shell expands it.
    if (keys) curl.push('-H "Authorization: Bearer $' + KEY_VARIABLE + '"');
    let py = (keys ? 'import os\n' : '') + 'import requests\n\n';
    const pyHeaders = keys ? '    headers={"Authorization": "Bearer " + os.environ["' + KEY_VARIABLE + '"]},\n' : '';
    const jsKey = keys ? 'Authorization: "Bearer " + process.env.' + KEY_VARIABLE : '';
    let js = '';
    if (spec.form) {
      spec.form.forEach(([k, v]) => curl.push(v && v.file ? '-F ' + shellQuote(k + '=@' + v.file) : '--form-string ' + shellQuote(k + '=' + v)));
      const data = {}, files = [];
      spec.form.forEach(([k, v]) => { if (v && v.file) files.push([k, v.file]); else data[k] = v; });
      py += 'r = requests.' + method.toLowerCase() + '(\n    ' + JSON.stringify(target) + ',\n' + pyHeaders + '    data=' + pyLiteral(data, 1)
        + ',\n    files={' + files.map(([k, f]) => JSON.stringify(k) + ': open(' + JSON.stringify(f) + ', "rb")').join(', ') + '},\n)\n';
      js += 'const form = new FormData();\n' + spec.form.map(([k, v]) => v && v.file
        ? '// ' + v.file + ': a File or Blob, e.g. from an <input type="file">\nform.append(' + JSON.stringify(k) + ', fileFor(' + JSON.stringify(v.file) + '));'
        : 'form.append(' + JSON.stringify(k) + ', ' + JSON.stringify(String(v)) + ');').join('\n')
        + '\nconst res = await fetch(' + JSON.stringify(target) + ', { method: ' + JSON.stringify(method)
        + (keys ? ', headers: { ' + jsKey + ' }' : '') + ', body: form });\n';
    } else {
      const body = JSON.stringify(spec.json || {});
      curl.push("-H 'Content-Type: application/json'", '-d ' + shellQuote(body));
      py += 'r = requests.' + method.toLowerCase() + '(\n    ' + JSON.stringify(target) + ',\n' + pyHeaders + '    json=' + pyLiteral(spec.json || {}, 1) + ',\n)\n';
      js += 'const res = await fetch(' + JSON.stringify(target) + ', {\n  method: ' + JSON.stringify(method)
        + ',\n  headers: { "Content-Type": "application/json"' + (keys ? ', ' + jsKey : '') + ' },\n  body: JSON.stringify(' + JSON.stringify(spec.json || {}, null, 2).replace(/\n/g, '\n  ') + '),\n});\n';
    }
    if (spec.out) curl.push('-o ' + shellQuote(spec.out));
    py += 'r.raise_for_status()\n' + (spec.out ? 'with open(' + JSON.stringify(spec.out) + ', "wb") as f:\n    f.write(r.content)\n' : 'print(r.json())\n');
    js += 'if (!res.ok) throw new Error((await res.json()).error);\n'
      + (spec.out ? 'const audio = await res.blob(); // ' + spec.out + '\n' : 'console.log(await res.json());\n');
    return { curl: curl.join(' \\\n  '), python: py, javascript: js };
  }

  /**
   * "Use via API" under a task form: the exact request of the form as it is now, as curl, Python or
   * JavaScript, with a copy button. build() returns the spec of snippets(); it is called again on
   * every change while the box is open.
   */
  function apiSnippet(form, build) {
    const langs = [['curl', 'curl'], ['python', 'Python'], ['javascript', 'JavaScript']];
    let lang = 'curl';
    const code = el('code');
    const pre = el('pre', { class: 'snippet', tabindex: '0', 'aria-label': 'The request' }, [code]);
    const status = el('span', { class: 'muted', 'aria-live': 'polite' });
    const tabs = langs.map(([k, label]) => el('button', { type: 'button', class: 'secondary snippet-lang', 'data-lang': k, text: label,
      'aria-pressed': String(k === lang), onclick: () => { lang = k; render(); } }));
    const copy = el('button', { type: 'button', class: 'snippet-copy', text: 'Copy', onclick: async () => {
      try {
        await navigator.clipboard.writeText(code.textContent);
        status.textContent = 'Copied.';
      } catch (e) {
        // Without clipboard access (plain http on another host), select it for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(code);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
        status.textContent = 'Selected: press Ctrl+C to copy.';
      }
    } });
    const keyNote = el('p', { class: 'muted snippet-key', hidden: true, text: keyWords() });
    const box = el('details', { class: 'api-snippet' }, [
      el('summary', { text: 'Use via API: copy as curl, Python or JavaScript' }),
      el('p', { class: 'muted', text: 'The request this form sends, as it is filled in now. See also ' },
        [el('a', { href: '/connect', text: 'Use from other apps' }), '.']), keyNote,
      el('div', { class: 'snippet-tabs', role: 'group', 'aria-label': 'Language' }, tabs.concat([copy, status])), pre]);
    function render() {
      if (!box.open) return;
      keyNote.hidden = !keysNeeded;
      tabs.forEach(t => t.setAttribute('aria-pressed', String(t.dataset.lang === lang)));
      try {
        code.textContent = snippets(build())[lang];
      } catch (e) {
        code.textContent = 'Fill in the form first (' + e.message + ').';
      }
      box.dataset.lang = lang;
      status.textContent = '';
    }
    box.addEventListener('toggle', render);
    // Health may answer after the box was opened: the key header then joins the request.
    health().then(render, () => {});
    form.addEventListener('input', render);
    form.addEventListener('change', render);
    form.after(box);
    box.render = render;
    form.apiSnippet = box;
    return box;
  }

  // ---- pipeline jobs ----------------------------------------------------------------------------

  /** Decodes a WAV file's 16-bit PCM for the waveform (other encodings draw nothing). */
  async function wavSamples(resp) {
    const buf = await resp.arrayBuffer();
    const dv = new DataView(buf);
    if (buf.byteLength < 44 || dv.getUint32(0, false) !== 0x52494646) return new Float32Array(0);
    let off = 12, data = -1, len = 0;
    while (off + 8 <= buf.byteLength) {
      const id = dv.getUint32(off, false), size = dv.getUint32(off + 4, true);
      if (id === 0x64617461) { data = off + 8; len = Math.min(size, buf.byteLength - data); break; }
      off += 8 + size + (size & 1);
    }
    if (data < 0) return new Float32Array(0);
    const out = new Float32Array(len >> 1);
    for (let i = 0; i < out.length; i++) out[i] = dv.getInt16(data + 2 * i, true) / 32768;
    return out;
  }

  /** Errors that a resume would only hit again: the request itself must change (edit and retry). */
  const REQUEST_ERRORS = ['INVALID_ARGUMENT', 'NOT_FOUND', 'UNSUPPORTED', 'PAYLOAD_TOO_LARGE'];

  /** Whether resuming a finished job can succeed: a cancelled pipeline, or one that failed for a reason outside its request. */
  function resumable(job) {
    if (!job || job.kind !== 'pipeline') return false;
    if (job.state === 'cancelled') return true;
    return job.state === 'failed' && !(job.error && REQUEST_ERRORS.includes(job.error.errorType));
  }

  const AUDIO_FILE = /\.(wav|flac|mp3|ogg|opus)$/i;

  /**
   * A pipeline job on a page: submits it, follows its events (progress with stage text, cancel),
   * and shows the stored output in its result card: the main track with waveform and downloads, a
   * zip of every file, and a table of the parts (part, speaker, text, start and duration as m:ss, a
   * player and a download each). A run that ended early offers what can work: Resume (it goes on
   * from the finished steps) when the failure was not the request's fault, Edit and retry, Dismiss.
   * The page URL carries ?job=<id> while a job is shown, so a reload or a link from Home opens it
   * again: a running job is followed, a finished one shown, a failed one's request put back in the form.
   * opts: parts(output, panel) -> rows [{part, speaker, text, start, duration, path}] (default: the
   * audio files), onDone(output, panel), fill(request) (puts a stored request back in the form),
   * form (focused for edit and retry).
   */
  class PipelinePanel {
    constructor(container, opts) {
      this.opts = opts || {};
      // Counts the user's new attempts (Render, Resume): a slower restore() of ?job= yields to them.
      this.attempts = 0;
      this.result = new ResultPanel(el('div'), this.opts.form || el('form'));
      this.resumeButton = el('button', { type: 'button', class: 'secondary', hidden: true, text: 'Resume' });
      this.editButton = el('button', { type: 'button', class: 'secondary', hidden: true, text: 'Edit and retry' });
      this.dismissButton = el('button', { type: 'button', class: 'secondary', hidden: true, text: 'Dismiss' });
      this.files = el('div', { class: 'pipeline-files' });
      this.extra = el('div', { class: 'pipeline-extra' });
      this.result.root.querySelector('.progress').append(this.resumeButton, this.editButton, this.dismissButton);
      this.result.root.append(this.extra, this.files);
      this.root = el('div', { class: 'pipeline' }, [this.result.root]);
      container.replaceChildren(this.root);
      this.result.cancelButton.addEventListener('click', () => this.cancel());
      this.resumeButton.addEventListener('click', () => this.resume());
      this.editButton.addEventListener('click', () => this.edit());
      this.dismissButton.addEventListener('click', () => this.dismiss());
    }
    endedButtons(job) {
      const ended = job && (job.state === 'failed' || job.state === 'cancelled');
      this.resumeButton.hidden = !(ended && resumable(job));
      this.editButton.hidden = !ended;
      this.dismissButton.hidden = !ended;
      this.result.root.dataset.resumable = String(!!(ended && resumable(job)));
    }
    /**
     * One press of the page's submit button (or Ctrl+Enter): the card shows at once that a new request
     * is being checked, so a run shown before (the failed run being edited, say) never passes for the
     * answer to this one, and its Resume/Edit/Dismiss buttons cannot act on it meanwhile; the button
     * stays disabled and further presses do nothing until the job ends. check() resolves with the
     * request body, or with null when it found errors (it shows them on the form): then the card goes
     * back to what it showed. Resolves with the ended job (null if none was submitted); rejects with
     * the submission's error, the card hidden.
     */
    async start(button, check, path) {
      if (this.busy) return null;
      this.busy = true;
      if (button) button.disabled = true;
      const back = this.checking();
      try {
        let body;
        try {
          body = await check();
        } catch (e) {
          back();
          throw e;
        }
        if (!body) { back(); return null; }
        try {
          return await this.submit(path, body);
        } catch (e) {
          this.result.root.hidden = true;
          throw e;
        }
      } finally {
        this.busy = false;
        if (button) button.disabled = false;
      }
    }
    /** Shows "Checking the request…" in the card; returns a function that puts back what it showed before. */
    checking() {
      this.attempts++;
      const root = this.result.root;
      const before = { hidden: root.hidden, state: root.dataset.state, jobAttr: root.dataset.jobId, status: this.result.status.textContent,
        value: this.result.progressBar.getAttribute('value'), cancel: this.result.cancelButton.hidden, job: this.lastJob };
      // A job followed from ?job= stops updating the card while the new request is checked; it is followed again if that stops there.
      const following = this.source && this.source.readyState !== EventSource.CLOSED ? this.jobId : null;
      if (this.source) this.source.close();
      this.endedButtons(null);
      root.hidden = false;
      root.dataset.state = 'checking';
      delete root.dataset.jobId;
      this.result.cancelButton.hidden = true;
      this.result.progressBar.removeAttribute('value');
      this.result.status.textContent = 'Checking the request…';
      return () => {
        if (following) { this.follow(following); return; }
        root.hidden = before.hidden;
        if (before.state === undefined) delete root.dataset.state; else root.dataset.state = before.state;
        if (before.jobAttr === undefined) delete root.dataset.jobId; else root.dataset.jobId = before.jobAttr;
        this.result.status.textContent = before.status;
        if (before.value === null) this.result.progressBar.removeAttribute('value'); else this.result.progressBar.setAttribute('value', before.value);
        this.result.cancelButton.hidden = before.cancel;
        if (before.job) this.endedButtons(before.job);
      };
    }
    /** Submits to a plugin's job route (body: JSON object or FormData); resolves when the job ends. */
    async submit(path, body) {
      this.result.begin();
      this.files.replaceChildren();
      this.extra.replaceChildren();
      this.endedButtons(null);
      const previous = this.jobId && this.lastState !== 'done' ? this.jobId : null;
      const job = await api('POST', path, body);
      // The corrected request replaces the run it was edited from: that one leaves Home.
      if (previous && previous !== job.job_id) api('POST', '/api/v1/jobs/' + encodeURIComponent(previous) + '/dismiss').catch(() => {});
      return this.follow(job.job_id);
    }
    follow(jobId) {
      // One job per card: events of a job followed before must not write into it.
      if (this.source) this.source.close();
      this.jobId = jobId;
      this.lastState = 'queued';
      this.result.root.hidden = false;
      this.result.root.dataset.jobId = jobId;
      this.result.root.dataset.state = 'running';
      this.result.cancelButton.hidden = false;
      this.result.cancelButton.disabled = false;
      const here = new URL(location.href);
      here.searchParams.set('job', jobId);
      history.replaceState(null, '', here);
      return new Promise(resolve => {
        const source = new EventSource(url('/api/v1/jobs/' + encodeURIComponent(jobId) + '/events'));
        this.source = source;
        const onProgress = p => {
          if (p.state === 'queued') { this.result.progress(p); return; }
          if (p.fraction !== undefined) this.result.progressBar.value = Math.min(1, p.fraction);
          const steps = p.steps ? (p.steps_done + ' of ' + p.steps + ' done') : '';
          this.result.status.textContent = [p.stage, steps].filter(Boolean).join(' · ') || 'Working…';
        };
        source.addEventListener('progress', ev => onProgress(JSON.parse(ev.data)));
        source.addEventListener('state', async ev => {
          const job = JSON.parse(ev.data);
          if (job.random_weights) randomWeights(job.model);
          if (job.state === 'queued') { onProgress({ state: 'queued', queue_position: job.progress.queue_position }); return; }
          if (job.state === 'running') { onProgress(job.progress); return; }
          source.close();
          await this.ended(job);
          resolve(job);
        });
        source.onerror = () => {
          if (source.readyState === EventSource.CLOSED) resolve(null);
        };
      });
    }
    /** Shows how a job ended: its output, or why it stopped and what can be done. */
    async ended(job) {
      this.lastState = job.state;
      this.lastJob = job;
      if (job.state === 'done') {
        const o = await api('GET', '/api/v1/outputs/' + encodeURIComponent(job.result.output_id));
        await this.show(o);
        return;
      }
      const why = job.error ? human(job.error.error) : '';
      this.result.failed(job.state === 'cancelled' ? 'Cancelled. Resume goes on from the parts already spoken.'
        : 'Failed: ' + why + (resumable(job) ? ' Resume goes on from the parts already spoken.' : ' Change the request and run it again.'));
      this.endedButtons(job);
      if (job.error && job.error.field && this.opts.form && !resumable(job)) showError(this.opts.form, job.error.field, job.error.error);
    }
    /** ?job=<id>: shows that job (following it while it runs) and puts a failed run's request back in the form. */
    async restore() {
      const id = new URLSearchParams(location.search).get('job');
      if (!id) return null;
      // A press of Render (or Resume) while this loads wins: the old job then touches neither form nor card.
      const attempt = this.attempts;
      const stale = () => attempt !== this.attempts;
      let job;
      try {
        job = await api('GET', '/api/v1/jobs/' + encodeURIComponent(id));
      } catch (e) {
        job = null;
      }
      if (this.opts.fill) {
        try {
          const stored = await api('GET', '/api/v1/jobs/' + encodeURIComponent(id) + '/request');
          if (stale()) return null;
          await this.opts.fill(stored.request);
        } catch (e) { /* finished runs keep no request */ }
      }
      if (stale()) return null;
      if (!job) {
        // Forgotten by the server's job list (a restart) but maybe still stored: resuming is still possible.
        this.jobId = id;
        this.result.root.hidden = false;
        this.result.failed('This job is no longer in the job list; its request is back in the form.');
        this.lastJob = { kind: 'pipeline', state: 'cancelled' };
        this.endedButtons(this.lastJob);
        return null;
      }
      if (job.state === 'queued' || job.state === 'running') return this.follow(id);
      this.jobId = id;
      this.result.root.hidden = false;
      this.result.root.dataset.jobId = id;
      await this.ended(job);
      return job;
    }
    async cancel() {
      if (!this.jobId) return;
      this.result.cancelButton.disabled = true;
      try { await api('DELETE', '/api/v1/jobs/' + encodeURIComponent(this.jobId)); } catch (e) { this.result.status.textContent = human(e.message); }
    }
    async resume() {
      this.attempts++;
      this.endedButtons(null);
      try {
        const job = await api('POST', '/api/v1/jobs/' + encodeURIComponent(this.jobId) + '/resume');
        this.result.begin();
        return this.follow(job.id);
      } catch (e) { this.result.failed(e.message); return null; }
    }
    edit() {
      const form = this.opts.form;
      this.result.status.textContent = 'Change the request above, then run it again (Ctrl+Enter).';
      if (form) {
        const first = form.querySelector('.invalid') || form.querySelector('textarea, input:not([type=hidden]), select');
        if (first) { first.scrollIntoView({ block: 'center' }); first.focus(); }
      }
    }
    async dismiss() {
      try { await api('POST', '/api/v1/jobs/' + encodeURIComponent(this.jobId) + '/dismiss'); } catch (e) { /* already gone */ }
      this.jobId = null;
      this.result.root.hidden = true;
      const here = new URL(location.href);
      here.searchParams.delete('job');
      history.replaceState(null, '', here);
    }
    /** Shows a stored pipeline output: main track, zip of everything, then the parts as a table. */
    async show(o) {
      this.result.done(Object.assign({ output_id: o.id }, o));
      this.result.root.dataset.outputId = o.id;
      this.result.drawFromFile(o.audio_url);
      this.result.downloads.append(el('a', { class: 'dl zip', href: url('/api/v1/outputs/' + encodeURIComponent(o.id) + '/zip'),
        download: 'q3tts-' + (o.pipeline || 'output') + '-' + o.id + '.zip', text: 'all parts (zip)' }));
      let rows = null;
      if (this.opts.parts) {
        try { rows = await this.opts.parts(o, this); } catch (e) { rows = null; }
      }
      if (!rows) rows = (o.files || []).filter(f => AUDIO_FILE.test(f.path)).map(f => ({ part: f.path, path: f.path }));
      const byPath = new Map((o.files || []).map(f => [f.path, f]));
      const hasSpeaker = rows.some(r => r.speaker), hasStart = rows.some(r => r.start !== undefined && r.start !== null);
      const head = ['Part'].concat(hasSpeaker ? ['Speaker'] : [], ['Text'], hasStart ? ['Start'] : [], ['Duration', 'Listen', 'Download']);
      const body = rows.map((r, i) => {
        const f = byPath.get(r.path);
        const link = f ? url(f.url) : null;
        const label = 'part ' + r.part;
        return el('tr', { class: 'pipeline-file', 'data-path': r.path || '' }, [
          el('td', { text: String(r.part) }),
          hasSpeaker ? el('td', { text: r.speaker || '' }) : null,
          el('td', { class: 'part-text', text: r.text || '' }),
          hasStart ? el('td', {}, [r.start === undefined || r.start === null ? '' : el('button', { type: 'button', class: 'link',
            text: clock(r.start), 'aria-label': 'Play the track from ' + clock(r.start), onclick: () => {
              this.result.audio.currentTime = r.start; this.result.audio.play().catch(() => {});
            } })]) : null,
          el('td', { text: r.duration === undefined || r.duration === null ? '' : clock(r.duration) }),
          el('td', {}, [link ? el('audio', { controls: true, preload: 'none', src: link, class: 'player small', 'aria-label': 'Play ' + label }) : '']),
          el('td', {}, [link ? el('a', { href: link, download: r.path.replace(/\//g, '_'), text: 'download', 'aria-label': 'Download ' + label }) : '']),
        ]);
      });
      const others = (o.files || []).filter(f => !rows.some(r => r.path === f.path));
      this.files.replaceChildren(
        rows.length ? el('h3', { text: 'Parts (' + rows.length + ')' }) : '',
        rows.length ? el('div', { class: 'table-wrap' }, [el('table', { class: 'table parts' }, [
          el('thead', {}, [el('tr', {}, head.map(h => el('th', { scope: 'col', text: h })))]), el('tbody', {}, body)])]) : '',
        others.length ? el('p', { class: 'other-files' }, [el('span', { class: 'muted', text: 'Other files: ' })].concat(
          others.map(f => el('span', { class: 'pipeline-file', 'data-path': f.path }, [
            el('a', { href: url(f.url), download: f.path.replace(/\//g, '_'), text: f.path }), ' '])))) : '');
      if (this.opts.onDone) await this.opts.onDone(o, this);
    }
    /** Fetches a JSON file of the shown output (e.g. the manifest or report). */
    async json(o, path) {
      const f = (o.files || []).find(x => x.path === path);
      if (!f) return null;
      const r = await fetch(url(f.url));
      return r.ok ? r.json() : null;
    }
  }

  window.Q3 = {
    api, url, wsUrl, apiBase: API_BASE, remote: API_BASE !== '', serverName, ApiError, el, uid, human, clearErrors, showError,
    showErrors, models, bindModel, sampling, validateSampling, validateText, formRequest, taskPage, ResultPanel, StreamPlayer,
    Waveform, clipSource, base64, saveVoice, wavBlob, wavSamples, shellHealth, randomWeights, MAX_TEXT, MAX_INSTRUCT,
    PipelinePanel, resumable, clock, VoicePicker, pickerOf, checkVoices, presetSpeakers, savedVoices, voicesReady, languageSelect,
    modelSelect, snippets, apiSnippet, baseUrl, pcm16ToFloat, health, keysRequired, keyWords, KEY_VARIABLE,
  };
})();
