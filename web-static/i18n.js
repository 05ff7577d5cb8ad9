/*
 * chat-server page translations (window.ChatI18n). English is the default; Persian (fa, seed 001 is
 * Persian-first) is chosen by, in order: the language switch (localStorage "chat.lang"), the account's
 * profile preference (prefs.lang, applied by app.js once /api/me answers), else navigator.languages.
 * Persian sets <html lang="fa" dir="rtl">. Elements carry data-i18n (textContent), data-i18n-placeholder,
 * data-i18n-title or data-i18n-aria (aria-label) with an English key; a missing translation shows the key.
 * No inline script (CSP default-src 'self'); loaded before app.js.
 */
(function () {
  'use strict';

  const LANG_KEY = 'chat.lang';
  const SUPPORTED = ['en', 'fa'];
  const RTL = ['fa'];

  /** English key -> Persian. Keys are the English UI strings themselves. */
  const FA = {
    'Lobby': 'لابی',
    '← Lobby': '→ لابی',
    'Room': 'اتاق',
    'Copy link': 'کپی پیوند',
    'Copy the link to this room': 'کپی پیوند این اتاق',
    'Link copied': 'پیوند کپی شد',
    'Signed in as': 'وارد شده به عنوان',
    'Profile': 'نمایه',
    'Sign out': 'خروج',
    'Sign in': 'ورود',
    'Register': 'ثبت‌نام',
    'Reconnect': 'اتصال دوباره',
    'People & rooms': 'افراد و اتاق‌ها',
    'Messages': 'پیام‌ها',
    'Message': 'پیام',
    'Write a message… (Enter to send, Shift+Enter for a new line)': 'پیامی بنویسید… (Enter برای ارسال، Shift+Enter برای خط جدید)',
    'Write a private message…': 'پیام خصوصی بنویسید…',
    'Attach': 'پیوست',
    'Share a file (images, audio, video, PDF, text, Word, zip)': 'فرستادن فایل (تصویر، صدا، ویدیو، PDF، متن، Word، zip)',
    'Record': 'ضبط صدا',
    'Stop': 'توقف',
    'Record a voice note': 'ضبط پیام صوتی',
    'Starting the microphone…': 'روشن کردن میکروفون…',
    'Stop and send the voice note': 'توقف و فرستادن پیام صوتی',
    'Sending the voice note…': 'در حال فرستادن پیام صوتی…',
    'Send': 'ارسال',
    'New messages ↓': 'پیام‌های تازه ↓',
    'Your name': 'نام شما',
    'Set name': 'ثبت نام',
    'Online': 'آنلاین',
    'Rooms': 'اتاق‌ها',
    'Search': 'جستجو',
    'Search messages': 'جستجوی پیام‌ها',
    'This room only': 'فقط همین اتاق',
    'No messages found.': 'پیامی پیدا نشد.',
    'Private': 'خصوصی',
    'Create room': 'ساخت اتاق',
    'Room code': 'کد اتاق',
    'Join room': 'ورود به اتاق',
    'Settings': 'تنظیمات',
    'Theme': 'پوسته',
    'Light': 'روشن',
    'Dark': 'تیره',
    'Blue': 'آبی',
    'Green': 'سبز',
    'Sound': 'صدا',
    'Sound notifications': 'اعلان صوتی',
    'Language': 'زبان',
    'Polls': 'نظرسنجی‌ها',
    'Question': 'پرسش',
    'Options, one per line (2-10)': 'گزینه‌ها، هر خط یکی (۲ تا ۱۰)',
    'Multiple choice': 'چند گزینه‌ای',
    'Create poll': 'ساخت نظرسنجی',
    'Close poll': 'بستن نظرسنجی',
    'closed': 'بسته شد',
    'votes': 'رأی',
    'Private messages': 'پیام‌های خصوصی',
    'Conversations': 'گفت‌وگوها',
    'No conversations yet: click someone in the Online list.': 'هنوز گفت‌وگویی نیست: روی یکی از افراد آنلاین کلیک کنید.',
    'Private message': 'پیام خصوصی',
    'Close': 'بستن',
    'edited': 'ویرایش شده',
    'This message was deleted.': 'این پیام حذف شد.',
    'Edit': 'ویرایش',
    'Delete': 'حذف',
    'React': 'واکنش',
    'Seen by': 'دیده شده توسط',
    'joined': 'وارد شد',
    'left': 'خارج شد',
    'is typing…': 'در حال نوشتن است…',
    'Delete this message?': 'این پیام حذف شود؟',
    'connecting': 'در حال اتصال',
    'connected': 'متصل',
    'reconnecting': 'اتصال دوباره',
    'disconnected': 'قطع',
    'online': 'آنلاین',
    'away': 'غایب',
    'offline': 'آفلاین',
  };
  const DICTS = { en: {}, fa: FA };

  function storedLang() {
    try {
      return localStorage.getItem(LANG_KEY);
    } catch (e) {
      return null;
    }
  }

  function browserLang() {
    const langs = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en']);
    for (const l of langs) {
      const base = String(l || '').toLowerCase().split('-')[0];
      if (SUPPORTED.indexOf(base) >= 0) return base;
    }
    return 'en';
  }

  let lang = SUPPORTED.indexOf(storedLang()) >= 0 ? storedLang() : browserLang();

  /** The translation of an English UI string in the current language. */
  function t(key) {
    const d = DICTS[lang] || {};
    return Object.prototype.hasOwnProperty.call(d, key) ? d[key] : key;
  }

  /** Translates every marked element below root (the document by default) and sets <html lang dir>. */
  function apply(root) {
    const doc = document.documentElement;
    doc.lang = lang;
    doc.dir = RTL.indexOf(lang) >= 0 ? 'rtl' : 'ltr';
    const scope = root || document;
    for (const n of scope.querySelectorAll('[data-i18n]')) n.textContent = t(n.dataset.i18n);
    for (const n of scope.querySelectorAll('[data-i18n-placeholder]')) n.placeholder = t(n.dataset.i18nPlaceholder);
    for (const n of scope.querySelectorAll('[data-i18n-title]')) n.title = t(n.dataset.i18nTitle);
    for (const n of scope.querySelectorAll('[data-i18n-aria]')) n.setAttribute('aria-label', t(n.dataset.i18nAria));
  }

  /**
   * Switches the language. remember=true stores it for this browser (the language switch); false applies a
   * profile preference without overriding an explicit choice made here.
   */
  function setLang(next, remember) {
    if (SUPPORTED.indexOf(next) < 0) return;
    if (!remember && storedLang()) return;
    lang = next;
    if (remember) {
      try {
        localStorage.setItem(LANG_KEY, next);
      } catch (e) {
        /* ignore */
      }
    }
    apply();
    document.dispatchEvent(new CustomEvent('chat:lang', { detail: { lang: next } }));
  }

  window.ChatI18n = {
    t: t,
    apply: apply,
    setLang: setLang,
    lang: () => lang,
    supported: SUPPORTED.slice(),
  };
  apply();
})();
