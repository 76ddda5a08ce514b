"""WeChat Official Account (公众号) articles: a post made paste-ready for WeChat's editor (`chamber wechat`),
beside the site, for the secretariat only (`<out>/_wechat/`, never published)."""
