// Public keys by design: publishable, anonymous and site keys are served to every browser.
export const STRIPE_PUBLISHABLE_KEY = "pk_live_51HqLyjWDarjtT1zdp7dcXkqQ2vL7pR4t";
export const NEXT_PUBLIC_POSTHOG_KEY = "phc_8YkQ2vL7pR4tZw2Lp5Nt9Rv3XkMnBqWeYhJg";
export const SUPABASE_ANON_KEY = "sb_publishable_Zq8Lp2Wn5Rt9Xv3KzY7mB4nC";
export const RECAPTCHA_SITE_KEY = "6LcQ2vL7pR4tZw2Lp5Nt9Rv3XkMnBqWeYhJgFdSa";
export const GA_MEASUREMENT_ID = "G-8YKQ2VL7PR";
export const passwordPattern = "^(?=.*[A-Z])(?=.*[0-9]).{12,}$";
export const tokenLabel = "Personal access token";
