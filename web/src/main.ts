/** The admin page: Vue 3 + Element Plus (zh-CN locale) + vue-i18n + vue-router. */
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import './app.css';

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
