/** Words of the page's frame, sign-in and link landing. */
export default {
  app: {
    title: { zh: '1+X 证书试点管理', en: '1+X pilot administration' },
    skip: { zh: '跳到正文', en: 'skip to content' },
    unreachable: {
      zh: '服务暂时无法访问流程引擎：显示的内容可能不完整，提交会被拒绝。请稍后再试或联系管理员。',
      en: 'The service cannot reach its workflows just now: what is shown may be incomplete and submissions are refused. Try again shortly or ask the administrator.',
    },
    loading: { zh: '加载中…', en: 'loading…' },
    notFound: { zh: '页面不存在', en: 'page not found' },
    retry: { zh: '重试', en: 'retry' },
    submit: { zh: '提交', en: 'submit' },
    cancel: { zh: '取消', en: 'cancel' },
    save: { zh: '保存', en: 'save' },
    search: { zh: '搜索', en: 'search' },
    none: { zh: '暂无', en: 'none' },
    done: { zh: '已完成', en: 'done' },
    back: { zh: '返回', en: 'back' },
    chars: { zh: '字', en: 'characters' },
  },
  nav: {
    label: { zh: '主导航', en: 'main navigation' },
    inbox: { zh: '我的待办', en: 'My inbox' },
    dashboard: { zh: '总览', en: 'Dashboard' },
    pilots: { zh: '试点查询', en: 'Pilots' },
    pilotNew: { zh: '新建试点', en: 'New pilot' },
    bulk: { zh: '批量操作', en: 'Bulk actions' },
    users: { zh: '用户管理', en: 'Users' },
    signOut: { zh: '退出', en: 'sign out' },
  },
  signin: {
    title: { zh: '登录', en: 'Sign in' },
    id: { zh: '账号', en: 'user id' },
    password: { zh: '密码', en: 'password' },
    submit: { zh: '登录', en: 'sign in' },
    linkWhy: {
      zh: '您打开了邮件中的链接。为保护试点数据，请先登录；登录后将直接打开该链接的表单。',
      en: 'You opened a link from an e-mail. To protect the pilot data, sign in first; the link’s form opens right after.',
    },
  },
  link: {
    title: { zh: '打开邮件链接', en: 'Opening an e-mail link' },
    checking: { zh: '正在验证链接…', en: 'checking the link…' },
    failed: { zh: '链接无法使用', en: 'This link cannot be used' },
    toInbox: { zh: '去我的待办', en: 'Go to my inbox' },
  },
};
