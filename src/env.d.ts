/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    model: import('../api/site/model.ts').SiteModel;
    /** Set on an incident's page (src/pages/incidents/[ref].astro). */
    incident?: import('../api/site/model.ts').IncidentView;
    /** Set on a maintenance window's page. */
    maintenance?: import('../api/site/model.ts').MaintenanceView;
    /** Set on /history: the newest incidents and every month. */
    history?: import('../api/site/history.ts').HistoryIndexView;
    /** Set on a month of history (the site's or a service's). */
    month?: import('../api/site/history.ts').MonthPageView;
    /** Set on a service's page: its open incidents, latest past ones and months. */
    servicePage?: import('../api/site/model.ts').ServicePageView;
    /** Set on the subscription pages (src/pages/subscription.astro), rendered per request. */
    subscription?: import('../api/features/subscribers/schemas.ts').SubscriptionView;
    /** Set on the desk pages (src/pages/admin/*.astro), rendered per request. */
    admin?: import('../api/desk/views.ts').AdminLocals;
    /** Set on the public search page (src/pages/search.astro), rendered per request. */
    search?: import('../api/site/search.ts').SearchView;
  }
}
