package io.dualmode.registry.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A stored config value with the lowercase hex MD5 of its UTF-8 content. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigItem(
        String content, String md5, long lastModified, String type, String appName, String encryptedDataKey) {}
