// A typed target for Grafana's InfluxDB data source in raw InfluxQL mode. The foundation SDK ships query
// types for other data sources but none for InfluxDB, so this builder is the one place that knows the
// shape Grafana stores: panels, template variables' refIds and annotation queries all go through it.
import type * as cog from '@grafana/grafana-foundation-sdk/cog'
import type * as common from '@grafana/grafana-foundation-sdk/common'

/** How Grafana turns the InfluxQL result into frames. */
export type InfluxResultFormat = 'time_series' | 'table' | 'logs'

export interface InfluxQuery extends cog.Dataquery {
  refId: string
  datasource?: common.DataSourceRef
  /** the InfluxQL text (with Grafana's `$timeFilter`, `$__interval` and `$variable` placeholders) */
  query: string
  /** true: `query` is sent as written, not rebuilt from the visual editor's fields */
  rawQuery: boolean
  resultFormat: InfluxResultFormat
  /** series name pattern: `$tag_device`, `$col`, `$m` */
  alias?: string
  hide?: boolean
  /** annotation queries only: which result columns become the annotation's text, tags and title */
  fromAnnotations?: boolean
  textColumn?: string
  tagsColumn?: string
  titleColumn?: string
}

export class InfluxQueryBuilder implements cog.Builder<InfluxQuery> {
  private readonly internal: InfluxQuery

  constructor(query: string) {
    this.internal = {
      refId: 'A',
      query,
      rawQuery: true,
      resultFormat: 'time_series',
      // marks this as a data query for the SDK's builders; a method, so it never reaches the JSON
      _implementsDataqueryVariant() {},
    }
  }

  build(): InfluxQuery {
    return this.internal
  }

  refId(refId: string): this {
    this.internal.refId = refId
    return this
  }

  datasource(datasource: common.DataSourceRef): this {
    this.internal.datasource = datasource
    return this
  }

  query(query: string): this {
    this.internal.query = query
    return this
  }

  rawQuery(rawQuery: boolean): this {
    this.internal.rawQuery = rawQuery
    return this
  }

  resultFormat(resultFormat: InfluxResultFormat): this {
    this.internal.resultFormat = resultFormat
    return this
  }

  alias(alias: string): this {
    this.internal.alias = alias
    return this
  }

  hide(hide: boolean): this {
    this.internal.hide = hide
    return this
  }

  /** Makes this an annotation query: `text`, `tags` (comma-separated columns) and `title` name result columns. */
  annotationColumns(cols: { text: string; tags?: string; title?: string }): this {
    this.internal.fromAnnotations = true
    return this.textColumn(cols.text)
      .tagsColumn(cols.tags ?? '')
      .titleColumn(cols.title ?? '')
  }

  textColumn(textColumn: string): this {
    this.internal.textColumn = textColumn
    return this
  }

  tagsColumn(tagsColumn: string): this {
    this.internal.tagsColumn = tagsColumn
    return this
  }

  titleColumn(titleColumn: string): this {
    this.internal.titleColumn = titleColumn
    return this
  }
}

/** A raw InfluxQL target. */
export const influxQuery = (query: string): InfluxQueryBuilder => new InfluxQueryBuilder(query)
