/* Behaviour of the easy-read web chat page (templates/chat.html).
   Talks to POST /chat/messages, keeps the conversation in sessionStorage so a reload carries on
   where it left off, and looks after focus and screen-reader announcements: readers may have a
   learning disability, dementia, sight loss or an old phone, so nothing may be lost or surprising.
   Plain ES2017 and fetch, no modules, so it runs on older phones without a build step. */
(function () {
  "use strict";

  var API_URL = "/chat/messages";
  var MAX_LENGTH = 1000;
  // Long conversations must not fill sessionStorage; the oldest lines matter least after a reload.
  var MAX_STORED = 200;
  // Past this a reply is not coming; telling the person beats leaving "writing" up for ever.
  var TIMEOUT_MS = 45000;

  function byId(id) {
    return document.getElementById(id);
  }

  var historyEl = byId("history");
  var log = byId("log");
  var choicesEl = byId("choices");
  var form = byId("composer");
  var input = byId("message");
  var sendButton = byId("send");
  var helpBar = byId("help-bar");
  if (!historyEl || !log || !choicesEl || !form || !input || !sendButton) {
    return;
  }

  var config = {};
  try {
    config = JSON.parse(byId("chat-config").textContent) || {};
  } catch (e) {
    config = {};
  }
  var words = config.words || {};
  // Every language's page words, so the page can follow the conversation when the person switches language.
  var languages = config.languages && typeof config.languages === "object" ? config.languages : {};
  var inviteCode = typeof config.invite_code === "string" && config.invite_code ? config.invite_code : null;

  function word(key) {
    return typeof words[key] === "string" ? words[key] : "";
  }

  // ---------------------------------------------------------------- language

  // "en", "pl", "en-GB": anything else from the server is ignored rather than put in the page.
  var LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

  function validLang(value) {
    return typeof value === "string" && LANG.test(value) ? value : null;
  }

  // The page speaks the conversation's language: <html lang> tells a screen reader which sounds to use, and
  // the page's own words (heading, help buttons, the box's label) change with it when we have them.
  function setLanguage(lang) {
    lang = validLang(lang);
    if (!lang || lang === document.documentElement.lang) {
      return;
    }
    document.documentElement.lang = lang;
    var found = languages[lang];
    if (!found || typeof found !== "object") {
      return;
    }
    words = found;
    if (typeof found.page_title === "string") {
      document.title = found.page_title;
    }
    Array.prototype.forEach.call(document.querySelectorAll("[data-word]"), function (node) {
      var text = found[node.getAttribute("data-word")];
      if (typeof text === "string") {
        node.textContent = text;
      }
    });
    if (writingEl) {
      writingEl.textContent = word("writing");
    }
  }

  // ---------------------------------------------------------------- conversation state

  function newId() {
    var c = window.crypto;
    // randomUUID only exists on https/localhost; the page may be served over plain http on a LAN.
    if (c && typeof c.randomUUID === "function") {
      try {
        return c.randomUUID();
      } catch (e) { /* fall through */ }
    }
    var bytes = new Uint8Array(16);
    var i;
    if (c && typeof c.getRandomValues === "function") {
      c.getRandomValues(bytes);
    } else {
      for (i = 0; i < 16; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = "";
    for (i = 0; i < 16; i++) {
      hex += (bytes[i] + 0x100).toString(16).slice(1);
    }
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Private browsing on old Safari throws on any sessionStorage write; the chat still works,
  // it just forgets on reload.
  var storage = (function () {
    try {
      var s = window.sessionStorage;
      s.setItem("easyread-chat-test", "1");
      s.removeItem("easyread-chat-test");
      return s;
    } catch (e) {
      return null;
    }
  })();

  // One conversation per invite code, so two invites in one tab never share a conversation.
  var storageKey = "easyread-chat:" + (inviteCode || "-");

  function isEntry(entry) {
    return entry && typeof entry === "object" &&
      (entry.from === "bot" || entry.from === "me") && typeof entry.text === "string";
  }

  function loadState() {
    var saved = null;
    if (storage) {
      try {
        saved = JSON.parse(storage.getItem(storageKey));
      } catch (e) {
        saved = null;
      }
    }
    if (saved && typeof saved.id === "string" && saved.id && Array.isArray(saved.transcript)) {
      return {
        id: saved.id,
        greeted: saved.greeted === true,
        lang: validLang(saved.lang),
        transcript: saved.transcript.filter(isEntry)
      };
    }
    return { id: newId(), greeted: false, lang: null, transcript: [] };
  }

  function saveState() {
    if (state.transcript.length > MAX_STORED) {
      state.transcript = state.transcript.slice(-MAX_STORED);
    }
    if (!storage) {
      return;
    }
    try {
      storage.setItem(storageKey, JSON.stringify(state));
    } catch (e) { /* storage full: the chat goes on, only memory across reloads is lost */ }
  }

  var state = loadState();

  // ---------------------------------------------------------------- cleaning server data

  function safeUrl(value) {
    if (typeof value !== "string" || !value.trim()) {
      return null;
    }
    try {
      var url = new URL(value.trim(), window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Only the fields we draw are kept, so odd server data can never reach the page as markup.
  function cleanBotMessage(raw) {
    if (!raw || typeof raw !== "object") {
      return null;
    }
    var msg = { from: "bot", text: typeof raw.text === "string" ? raw.text : "" };
    if (Array.isArray(raw.buttons)) {
      var buttons = raw.buttons.filter(function (b) {
        return b && typeof b.title === "string" && b.title.trim() &&
          typeof b.payload === "string" && b.payload;
      }).map(function (b) {
        return { title: b.title.trim(), payload: b.payload };
      });
      if (buttons.length) {
        msg.buttons = buttons;
      }
    }
    var image = safeUrl(raw.image);
    if (image) {
      msg.image = image;
      // Optional: lets the server mark a picture decorative ("") or describe it better.
      if (typeof raw.alt === "string") {
        msg.alt = raw.alt;
      }
    }
    var audio = safeUrl(raw.audio);
    if (audio) {
      msg.audio = audio;
    }
    var lang = validLang(raw.lang);
    if (lang) {
      msg.lang = lang;
    }
    if (!msg.text.trim() && !msg.image && !msg.audio && !msg.buttons) {
      return null;
    }
    return msg;
  }

  // Easy-read pictures illustrate the sentence beside them, so that sentence is the best alt.
  function firstSentence(text) {
    var lines = (text || "").split("\n").map(function (s) {
      return s.trim();
    }).filter(Boolean);
    var line = lines.length ? lines[0] : "";
    var match = line.match(/^.*?[.!?](?=\s|$)/);
    return match ? match[0] : line;
  }

  // ---------------------------------------------------------------- drawing

  var messageCount = 0;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function makeButton(label, className) {
    var button = make("button", "button " + className, label);
    button.type = "button";
    return button;
  }

  function renderEntry(entry) {
    var mine = entry.from === "me";
    var wrap = make("div", "msg " + (mine ? "msg-me" : "msg-bot"));
    if (validLang(entry.lang)) {
      // Each message keeps the language it was said in, so earlier ones still read right after a switch.
      wrap.lang = entry.lang;
    }
    var body = make("div", "msg-body");
    var p = make("p", "msg-text");
    p.id = "msg-" + (++messageCount);
    // Screen readers cannot see which side a bubble is on, so they are told who spoke.
    p.appendChild(make("span", "visually-hidden", (mine ? word("you_said") : word("helper_said")) + " "));
    p.appendChild(document.createTextNode(entry.text));
    body.appendChild(p);

    if (entry.image) {
      var img = make("img", "msg-image");
      img.alt = typeof entry.alt === "string" ? entry.alt : firstSentence(entry.text);
      img.decoding = "async";
      img.addEventListener("error", function () {
        // A broken-picture icon only confuses; the words are still there.
        img.hidden = true;
      });
      img.src = entry.image;
      body.appendChild(img);
    }
    wrap.appendChild(body);

    if (entry.audio) {
      var listen = makeButton(word("listen"), "button-listen");
      // Many "Listen" buttons on one page: the description says which message each one reads.
      listen.setAttribute("aria-describedby", p.id);
      listen.addEventListener("click", function () {
        play(entry.audio);
      });
      wrap.appendChild(listen);
    }
    return wrap;
  }

  var writingEl = make("p", "writing", word("writing"));

  // The newest reply says which language the conversation is in now (the person may have just switched).
  function followLanguage(replies) {
    for (var i = replies.length - 1; i >= 0; i--) {
      if (replies[i].lang) {
        state.lang = replies[i].lang;
        setLanguage(state.lang);
        return;
      }
    }
  }

  // New items go before "writing…" and the choices, so both always stay last in the log.
  function addToLog(node) {
    log.insertBefore(node, writingEl.parentNode === log ? writingEl : choicesEl);
    return node;
  }

  function showNotice(text) {
    return addToLog(make("p", "notice", text));
  }

  function clearChoices() {
    while (choicesEl.firstChild) {
      choicesEl.removeChild(choicesEl.firstChild);
    }
  }

  // Only the newest bot turn's buttons are live; older ones are spent once anything is sent.
  function currentChoices() {
    for (var i = state.transcript.length - 1; i >= 0; i--) {
      var entry = state.transcript[i];
      if (entry.from === "me") {
        return null;
      }
      if (entry.buttons && entry.buttons.length) {
        return entry.buttons;
      }
    }
    return null;
  }

  function renderChoices(buttons) {
    clearChoices();
    (buttons || []).forEach(function (choice) {
      var button = makeButton(choice.title, "button-choice");
      button.addEventListener("click", function () {
        onChoice(choice);
      });
      choicesEl.appendChild(button);
    });
  }

  function barOffset() {
    if (!helpBar) {
      return 0;
    }
    var position = window.getComputedStyle(helpBar).position;
    return position === "sticky" || position === "-webkit-sticky" ? helpBar.offsetHeight : 0;
  }

  // chat.css uses --bar-h as scroll padding so focused controls never hide under the help bar.
  function updateBarOffset() {
    document.documentElement.style.setProperty("--bar-h", barOffset() + "px");
  }

  // Show the end of the page (newest reply, its choices, the message box) but never push the
  // start of the reply out of sight: people read from the top of a message, not its end.
  function reveal(first) {
    var root = document.scrollingElement || document.documentElement;
    window.scrollTo(0, root.scrollHeight);
    if (!first) {
      return;
    }
    var offset = barOffset() + 8;
    var top = first.getBoundingClientRect().top;
    if (top < offset) {
      window.scrollBy(0, top - offset);
    }
  }

  // ---------------------------------------------------------------- audio

  var currentAudio = null;

  function play(url) {
    if (currentAudio) {
      currentAudio.pause();
    }
    var audio;
    try {
      audio = new Audio(url);
    } catch (e) {
      showNotice(word("error_network"));
      return;
    }
    currentAudio = audio;
    var failed = false;
    function fail() {
      // Both the error event and play()'s rejection can fire; say it once, and only for the
      // sound the person last asked for.
      if (failed || audio !== currentAudio) {
        return;
      }
      failed = true;
      showNotice(word("error_network"));
    }
    audio.addEventListener("error", fail);
    var playing = audio.play();
    if (playing && typeof playing.catch === "function") {
      playing.catch(function (err) {
        if (!err || err.name !== "AbortError") {
          fail();
        }
      });
    }
  }

  // ---------------------------------------------------------------- talking to the server

  function post(body) {
    var options = {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store"
    };
    var timer = null;
    if (typeof AbortController === "function") {
      var controller = new AbortController();
      options.signal = controller.signal;
      timer = setTimeout(function () {
        controller.abort();
      }, TIMEOUT_MS);
    }
    return fetch(API_URL, options).then(function (res) {
      return res.json().catch(function () {
        return null;
      }).then(function (data) {
        return { ok: res.ok, messages: Array.isArray(data) ? data : null };
      });
    }).then(function (result) {
      clearTimeout(timer);
      return result;
    }, function (err) {
      clearTimeout(timer);
      throw err;
    });
  }

  // Puts the person's words back so nothing they typed is lost. Anything typed while waiting
  // is kept too, after it.
  function restoreTyped(item) {
    if (!item.typed) {
      return;
    }
    var now = input.value;
    input.value = (now.trim() ? item.text + "\n" + now : item.text).slice(0, MAX_LENGTH);
    autosize();
  }

  // One round trip. Resolves "ok" (2xx and a list), "answered" (error status but the server sent
  // messages to show) or "failed" (nothing usable came back).
  async function exchange(item) {
    var mine = null;
    var mineNode = null;
    if (!item.greet) {
      mine = { from: "me", text: item.shown };
      if (state.lang) {
        // Our best guess at the language of what they typed: the one the conversation was in.
        mine.lang = state.lang;
      }
      mineNode = addToLog(renderEntry(mine));
      reveal(mineNode);
    }

    var body = { sender: state.id, message: item.message };
    if (item.greet && inviteCode) {
      body.metadata = { invite_code: inviteCode };
    }

    var result = null;
    try {
      result = await post(body);
    } catch (e) {
      result = null;
    }

    if (!result || !result.messages) {
      // The person's bubble stays on screen but is not stored: it never arrived.
      reveal(showNotice(word("error_network")));
      return "failed";
    }

    var replies = result.messages.map(cleanBotMessage).filter(Boolean);
    if (mine) {
      state.transcript.push(mine);
    }
    replies.forEach(function (reply) {
      state.transcript.push(reply);
    });
    if (item.greet && result.ok) {
      state.greeted = true;
    }
    followLanguage(replies);
    saveState();

    var first = null;
    replies.forEach(function (reply) {
      var node = addToLog(renderEntry(reply));
      first = first || node;
    });
    reveal(first || mineNode);
    return result.ok ? "ok" : "answered";
  }

  async function handle(item) {
    // If the opening /greet never got through (e.g. offline at load), it must come first:
    // it carries the invite code.
    if (!item.greet && !state.greeted) {
      if (await exchange({ message: "/greet", greet: true }) !== "ok") {
        restoreTyped(item);
        return;
      }
    }
    var outcome = await exchange(item);
    if (outcome !== "ok") {
      restoreTyped(item);
    }
  }

  // Messages go one at a time so replies can never arrive out of order.
  var queue = [];
  var running = null;
  var busy = false;

  function setBusy(value) {
    busy = value;
    // Only Send is disabled: the box stays usable so people can keep typing while they wait.
    sendButton.disabled = value;
    if (value && writingEl.parentNode !== log) {
      // Added once per wait, so the live region says "writing" once, not on every message.
      log.insertBefore(writingEl, choicesEl);
    } else if (!value && writingEl.parentNode) {
      writingEl.parentNode.removeChild(writingEl);
    }
  }

  function enqueue(item) {
    // A second press of Talk to a person or Stop while the first is still waiting is dropped.
    var same = function (other) {
      return other && other.message === item.message;
    };
    if (item.once && (same(running) || queue.some(same))) {
      return;
    }
    // Anything sent uses up the choices on screen.
    clearChoices();
    queue.push(item);
    setBusy(true);
    if (!running) {
      pump();
    }
  }

  // When the helper was busy it answers "we will reply soon"; its real answer is fetched here when it comes.
  var WAITING_URL = "/chat/messages/waiting";
  var lateTimer = null;
  var lateTries = 0;

  function watchForLateAnswers() {
    lateTries = 0;
    if (lateTimer === null) {
      lateTimer = setTimeout(checkLate, 5000);
    }
  }

  function checkLate() {
    lateTimer = null;
    lateTries += 1;
    // A POST: each late answer is handed out once, so asking for them changes something.
    fetch(WAITING_URL, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ sender: state.id }),
    })
      .then(function (res) {
        return res.ok ? res.json() : [];
      })
      .then(function (data) {
        var replies = (Array.isArray(data) ? data : []).map(cleanBotMessage).filter(Boolean);
        if (replies.length) {
          var first = null;
          replies.forEach(function (reply) {
            state.transcript.push(reply);
            var node = addToLog(renderEntry(reply));
            first = first || node;
          });
          followLanguage(replies);
          saveState();
          reveal(first);
          if (!busy) {
            renderChoices(currentChoices());
          }
          return;
        }
        if (lateTries < 24) {
          lateTimer = setTimeout(checkLate, 5000);
        }
      })
      .catch(function () {
        if (lateTries < 24) {
          lateTimer = setTimeout(checkLate, 5000);
        }
      });
  }

  async function pump() {
    while (queue.length) {
      running = queue.shift();
      try {
        await handle(running);
      } catch (e) {
        showNotice(word("error_network"));
        restoreTyped(running);
      }
    }
    running = null;
    setBusy(false);
    // Choices appear only when the helper is done, so they never show up and then vanish.
    renderChoices(currentChoices());
    watchForLateAnswers();
  }

  // ---------------------------------------------------------------- input

  function autosize() {
    // Grow the box with the text so people can read back everything they wrote.
    input.style.height = "auto";
    if (!input.scrollHeight) {
      return; // not laid out (hidden); measuring now would squash the box
    }
    var borders = input.offsetHeight - input.clientHeight;
    input.style.height = (input.scrollHeight + borders) + "px";
  }

  function submit() {
    if (busy) {
      return;
    }
    var text = input.value.trim().slice(0, MAX_LENGTH);
    if (!text) {
      return;
    }
    input.value = "";
    autosize();
    enqueue({ message: text, shown: text, text: text, typed: true });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
    // Clicking Send (now disabled) would otherwise drop focus on the page body.
    input.focus();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.keyCode !== 13) {
      return;
    }
    // Shift+Enter is a new line; while an input method is composing, Enter confirms a word.
    if (event.shiftKey || event.isComposing || event.keyCode === 229) {
      return;
    }
    event.preventDefault();
    submit();
  });

  input.addEventListener("input", autosize);

  // Remember how the last press was made: after a choice is tapped on a touch screen, moving
  // focus to the box would pop up the keyboard over the reply.
  var lastPointer = "";
  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "";
  }, true);
  document.addEventListener("touchstart", function () {
    lastPointer = "touch";
  }, { capture: true, passive: true });
  document.addEventListener("keydown", function () {
    lastPointer = "";
  }, true);

  function onChoice(choice) {
    if (busy) {
      return;
    }
    var touch = lastPointer === "touch" || lastPointer === "pen";
    // The person "says" the words on the button; the bot gets the payload.
    enqueue({ message: choice.payload, shown: choice.title });
    // The pressed button is gone now; the message box is the sensible next place.
    if (!touch) {
      input.focus();
    }
  }

  if (helpBar) {
    Array.prototype.forEach.call(helpBar.querySelectorAll("button[data-payload]"), function (button) {
      button.addEventListener("click", function () {
        enqueue({
          message: button.getAttribute("data-payload"),
          shown: button.textContent.trim(),
          once: true
        });
      });
    });
  }

  // ---------------------------------------------------------------- start

  if ("scrollRestoration" in window.history) {
    // We place the view ourselves after redrawing the conversation.
    window.history.scrollRestoration = "manual";
  }

  window.addEventListener("resize", function () {
    updateBarOffset();
    autosize();
  });
  if (state.lang) {
    // A reload carries on in the conversation's language, even at "/" where the server cannot know it.
    setLanguage(state.lang);
  }
  updateBarOffset();
  autosize();

  if (state.transcript.length) {
    // Redrawn outside the live log, so a reload does not read the whole conversation aloud.
    var turnStart = null;
    state.transcript.forEach(function (entry, i) {
      var node = renderEntry(entry);
      historyEl.appendChild(node);
      if (entry.from === "bot" && (i === 0 || state.transcript[i - 1].from === "me")) {
        turnStart = node;
      }
    });
    renderChoices(currentChoices());
    reveal(turnStart);
  }
  saveState();

  function greetIfNeeded() {
    if (!state.greeted && !state.transcript.length && !running) {
      enqueue({ message: "/greet", greet: true });
    }
  }

  greetIfNeeded();
  // Someone who opened the page offline gets the greeting as soon as the connection is back.
  window.addEventListener("online", greetIfNeeded);
})();
