import { texts } from '../bot/texts/index.js';

/** The playground's chat page: plain HTML, CSS and a script, no build step. */

/** What the page itself says, per language; the menu buttons are the bot's own. */
const PAGE_TEXTS = {
  ru: {
    subtitle: 'песочница — настоящий бот, локальный Bot API, имитация FAL (промпты переводит словарик, не LLM)',
    placeholder: 'Сообщение',
    switchTo: 'English',
    pay: 'Оплатить ⭐',
    offline: 'Сервер недоступен — переподключаюсь…',
    photos: 'Фото',
    samples: '10 фото одного человека',
    others: 'Фото другого человека и групповое фото: о первом бот спросит, второе не примет',
    menu: Object.values(texts.ru.menu),
  },
  en: {
    subtitle: 'playground — the real bot, a local Bot API, a simulated FAL (prompts translated by a phrase table, not an LLM)',
    placeholder: 'Message',
    switchTo: 'Русский',
    pay: 'Pay ⭐',
    offline: 'Server unreachable — reconnecting…',
    photos: 'Photos',
    samples: '10 photos of one person',
    others: 'A photo of someone else and a group photo: the bot asks about the first and refuses the second',
    menu: Object.values(texts.en.menu),
  },
};

export const PAGE_HTML = `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>avatar-bot playground</title>
<style>
  body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #0e1621; color: #e9eef3;
         display: flex; flex-direction: column; height: 100vh; }
  header { padding: 10px 16px; background: #17212b; border-bottom: 1px solid #0b121a; display: flex; align-items: center; gap: 8px; }
  header div { flex: 1; } header b { display: block; } header small { color: #7f91a4; }
  header button { background: #2b3d50; color: #e9eef3; border: 0; border-radius: 8px; padding: 6px 10px; cursor: pointer; }
  #offline { display: none; background: #7a2e2e; color: #fff; padding: 6px 16px; text-align: center; }
  #alert { position: fixed; inset: 0; background: #0008; display: none; align-items: center; justify-content: center; }
  #alert div { background: #17212b; padding: 16px; border-radius: 12px; max-width: 360px; white-space: pre-wrap; }
  #alert button { display: block; margin: 12px 0 0 auto; background: #3a8ee6; color: #fff; border: 0; border-radius: 8px; padding: 6px 18px; cursor: pointer; }
  #chat { flex: 1; overflow-y: auto; overflow-anchor: none; padding: 12px 16px; display: flex; flex-direction: column; gap: 8px; }
  .msg { max-width: min(480px, 85%); padding: 8px 10px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
  .bot { align-self: flex-start; background: #182533; }
  .user { align-self: flex-end; background: #2b5278; }
  .msg img { display: block; max-width: 100%; max-height: 260px; object-fit: cover; border-radius: 8px; margin-bottom: 6px; }
  .file { padding: 8px 10px; margin-bottom: 6px; border-radius: 8px; background: #0003; font-weight: 600; }
  .photos { display: grid; grid-template-columns: repeat(auto-fill, minmax(90px, 1fr)); gap: 4px; }
  .keyboard { display: grid; gap: 4px; margin-top: 6px; }
  .row { display: flex; gap: 4px; }
  .row button { flex: 1; min-width: 0; background: #2b3d50; color: #e9eef3; border: 0; border-radius: 8px; padding: 7px; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .row button:hover { background: #35506b; }
  .invoice { display: grid; gap: 4px; }
  .invoice .pay { background: #3a8ee6; color: #fff; border: 0; border-radius: 8px; padding: 8px; cursor: pointer; font-weight: 600; }
  .invoice .pay:disabled { background: #2b3d50; cursor: default; }
  #toast { position: fixed; top: 60px; left: 50%; transform: translateX(-50%);
           background: #000c; padding: 8px 14px; border-radius: 8px; display: none; }
  #menu { display: grid; grid-template-columns: 1fr 1fr; gap: 4px; padding: 6px 16px 0; background: #17212b; }
  #menu button, form button { background: #2b3d50; color: #e9eef3; border: 0; border-radius: 8px; padding: 8px; cursor: pointer; }
  form { display: flex; gap: 6px; padding: 8px 16px 12px; background: #17212b; }
  form input[type=text] { flex: 1; background: #0e1621; color: #e9eef3; border: 1px solid #2b3d50; border-radius: 8px; padding: 8px; }
</style>
</head>
<body>
<header><div><b>Avatar Bot</b><small id="subtitle"></small></div><button id="lang" type="button"></button></header>
<div id="offline"></div>
<div id="chat"></div>
<div id="toast"></div>
<div id="alert"><div><span></span><button type="button">OK</button></div></div>
<div id="menu"><button></button><button></button><button></button><button></button></div>
<form id="send">
  <input id="text" type="text" autocomplete="off">
  <label><input id="files" type="file" accept="image/*" multiple hidden><button type="button" id="attach">📎</button></label>
  <button type="button" id="samples">🖼×10</button>
  <button type="button" id="others">👥</button>
  <button type="submit">➤</button>
</form>
<script src="/__playground/app.js"></script>
</body>
</html>`;

export const PAGE_SCRIPT = `'use strict';
const PAGE = ${JSON.stringify(PAGE_TEXTS)};
// The user's language_code, as Telegram would send it: the bot answers in it.
const lang = localStorage.getItem('lang') === 'en' ? 'en' : 'ru';
const page = PAGE[lang];
document.documentElement.lang = lang;
document.getElementById('subtitle').textContent = page.subtitle;
document.getElementById('text').placeholder = page.placeholder;
document.getElementById('attach').title = page.photos;
document.getElementById('samples').title = page.samples;
document.getElementById('others').title = page.others;
document.getElementById('offline').textContent = page.offline;
const langButton = document.getElementById('lang');
langButton.textContent = page.switchTo;
langButton.onclick = () => {
  localStorage.setItem('lang', lang === 'en' ? 'ru' : 'en');
  location.reload();
};
[...document.querySelectorAll('#menu button')].forEach((b, i) => {
  b.textContent = page.menu[i];
  b.onclick = () => post('say', { text: page.menu[i] });
});

const chat = document.getElementById('chat');
const nodes = new Map();
const post = (path, body) =>
  fetch('/__playground/' + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-playground-lang': lang },
    body: JSON.stringify(body),
  });
// The chat follows the newest message while the reader is at the bottom (also when a picture loads
// later); only the reader's own scrolling, not a layout change, decides where that is.
let follow = true;
let readerScrolled = false;
for (const gesture of ['wheel', 'touchmove', 'keydown', 'mousedown']) chat.addEventListener(gesture, () => (readerScrolled = true));
chat.addEventListener('scroll', () => {
  if (readerScrolled) follow = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 80;
  readerScrolled = false;
});
const toBottom = () => {
  if (follow) chat.scrollTop = chat.scrollHeight;
};

function render(message) {
  const node = nodes.get(message.message_id) || document.createElement('div');
  node.className = 'msg ' + message.from;
  node.dataset.id = message.message_id;
  node.replaceChildren();
  if (message.photos && message.photos.length) {
    const box = document.createElement('div');
    if (message.photos.length > 1) box.className = 'photos';
    for (const id of message.photos) {
      const img = document.createElement('img');
      img.onload = toBottom;
      img.src = '/__playground/files/' + id;
      box.append(img);
    }
    node.append(box);
  }
  if (message.document) {
    const file = document.createElement('div');
    file.className = 'file';
    file.textContent = '📄 ' + message.document.name + ' · ' + (message.document.size / 1024 / 1024).toFixed(1) + ' MB';
    node.append(file);
  }
  const text = message.text !== undefined ? message.text : message.caption;
  if (text) node.append(document.createTextNode(text));
  if (message.invoice) node.append(invoiceCard(message));
  if (message.buttons && message.buttons.length) {
    const keyboard = document.createElement('div');
    keyboard.className = 'keyboard';
    for (const row of message.buttons) {
      const line = document.createElement('div');
      line.className = 'row';
      for (const button of row) {
        const b = document.createElement('button');
        b.textContent = button.text;
        b.onclick = () => post('press', { message_id: message.message_id, data: button.callback_data });
        line.append(b);
      }
      keyboard.append(line);
    }
    node.append(keyboard);
  }
  if (!nodes.has(message.message_id)) {
    nodes.set(message.message_id, node);
    chat.append(node);
  }
  toBottom();
}

/** A Stars invoice as Telegram shows it: title, description, and "Оплатить ⭐N" / "Pay ⭐N" until it is paid. */
function invoiceCard(message) {
  const invoice = message.invoice;
  const card = document.createElement('div');
  card.className = 'invoice';
  const title = document.createElement('b');
  title.textContent = invoice.title;
  card.append(title, document.createTextNode(invoice.description));
  const pay = document.createElement('button');
  pay.className = 'pay';
  pay.textContent = invoice.paid ? '✅ ' + invoice.amount + ' ⭐' : page.pay + invoice.amount;
  pay.disabled = Boolean(invoice.paid);
  pay.onclick = () => {
    pay.disabled = true;
    post('pay', { message_id: message.message_id }).then((r) => r.json()).then((r) => { if (!r.paid) pay.disabled = false; });
  };
  card.append(pay);
  return card;
}

/** A button's answer: an alert stays until OK is pressed, a notice for long enough to read it. */
let toastTimer;
function toast(text, alert) {
  if (alert) {
    const box = document.getElementById('alert');
    box.querySelector('span').textContent = text;
    box.style.display = 'flex';
    return;
  }
  const box = document.getElementById('toast');
  box.textContent = text;
  box.style.display = 'block';
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.style.display = 'none'), 2000 + 60 * text.length);
}
document.querySelector('#alert button').onclick = () => (document.getElementById('alert').style.display = 'none');

/** Shows the chat as the server keeps it: bubbles it no longer has go, the others are redrawn. */
function sync(history) {
  const kept = new Set(history.map((m) => m.message_id));
  for (const [id, node] of nodes) {
    if (!kept.has(id)) {
      node.remove();
      nodes.delete(id);
    }
  }
  history.forEach(render);
}

const events = new EventSource('/__playground/events');
// The history is read once the event stream is open, so nothing said in between is missed; after the
// server restarted, the page reconnects by itself and catches up the same way.
let connected = false;
const offline = document.getElementById('offline');
events.addEventListener('open', () => {
  offline.style.display = 'none';
  const first = !connected;
  connected = true;
  fetch('/__playground/history').then((r) => r.json()).then((history) => {
    sync(history);
    if (!first) return;
    // A first visit, or the language just changed: the bot greets in it, with its menu.
    if (history.length === 0 || localStorage.getItem('greeted') !== lang) post('say', { text: '/start' });
    localStorage.setItem('greeted', lang);
  });
});
events.addEventListener('error', () => (offline.style.display = 'block'));
events.addEventListener('message', (e) => render(JSON.parse(e.data)));
events.addEventListener('edit', (e) => render(JSON.parse(e.data)));
events.addEventListener('delete', (e) => {
  const id = JSON.parse(e.data).message_id;
  nodes.get(id)?.remove();
  nodes.delete(id);
});
events.addEventListener('toast', (e) => {
  const data = JSON.parse(e.data);
  toast(data.text, data.alert);
});

document.getElementById('send').onsubmit = (e) => {
  e.preventDefault();
  const input = document.getElementById('text');
  if (input.value.trim()) post('say', { text: input.value });
  input.value = '';
};
document.getElementById('attach').onclick = () => document.getElementById('files').click();
document.getElementById('samples').onclick = () => post('samples', {});
document.getElementById('others').onclick = () => post('samples', { others: true });
document.getElementById('files').onchange = async (e) => {
  const files = await Promise.all([...e.target.files].map((file) => file.arrayBuffer().then((buffer) => {
    let binary = '';
    const bytes = new Uint8Array(buffer);
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { name: file.name, type: file.type, data: btoa(binary) };
  })));
  post('photos', { files });
  e.target.value = '';
};
`;
